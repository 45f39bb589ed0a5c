package raft

import (
	"testing"

	pb "github.com/gee-project/gee/kv/raft/raftpb"
	"google.golang.org/protobuf/proto"
)

func seedMsg(f *testing.F, m *pb.Message) {
	b, err := proto.Marshal(m)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
}

// FuzzStep feeds arbitrary peer messages to a leader and a follower:
// anything a peer sends must yield an error or a state change, never a
// panic, and the nodes must keep honouring the Ready contract.
func FuzzStep(f *testing.F) {
	seedMsg(f, &pb.Message{Type: pb.MessageType_MsgApp, From: 2, To: 1, Term: 9, Index: 3, LogTerm: 2,
		Entries: []*pb.Entry{{Index: 4, Term: 9, Data: []byte("x")}}, Commit: 4})
	seedMsg(f, &pb.Message{Type: pb.MessageType_MsgApp, From: 1, To: 2, Term: 2, Index: 1, LogTerm: 1,
		Entries: []*pb.Entry{{Index: 7, Term: 2}}, Commit: 99})
	seedMsg(f, &pb.Message{Type: pb.MessageType_MsgAppResp, From: 2, To: 1, Term: 2, Index: 1 << 40})
	seedMsg(f, &pb.Message{Type: pb.MessageType_MsgAppResp, From: 3, To: 1, Term: 2, Index: 9, Reject: true,
		RejectHint: 1 << 30, LogTerm: 5})
	seedMsg(f, &pb.Message{Type: pb.MessageType_MsgSnap, From: 1, To: 2, Term: 3,
		Snapshot: &pb.Snapshot{Metadata: &pb.SnapshotMetadata{Index: 50, Term: 3}}})
	seedMsg(f, &pb.Message{Type: pb.MessageType_MsgSnap, From: 1, To: 2, Term: 3})
	seedMsg(f, &pb.Message{Type: pb.MessageType_MsgHeartbeat, From: 1, To: 2, Term: 2, Commit: 1 << 50})
	seedMsg(f, &pb.Message{Type: pb.MessageType_MsgVote, From: 3, To: 1, Term: 5, Index: 1, LogTerm: 9})
	seedMsg(f, &pb.Message{Type: pb.MessageType_MsgReadIndex, From: 3, To: 1})
	seedMsg(f, &pb.Message{Type: pb.MessageType_MsgReadIndexResp, From: 1, To: 2, Term: 2})
	seedMsg(f, &pb.Message{Type: pb.MessageType_MsgProp, From: 3, To: 1})
	seedMsg(f, &pb.Message{Type: pb.MessageType_MsgTimeoutNow, From: 1, To: 2, Term: 2})
	seedMsg(f, &pb.Message{Type: pb.MessageType_MsgTransferLeader, From: 7, To: 1, Term: 2})
	seedMsg(f, &pb.Message{Type: pb.MessageType_MsgHibernate, From: 1, To: 2, Term: 2, Index: 1 << 40, LogTerm: 2, Commit: 1 << 41})
	seedMsg(f, &pb.Message{Type: pb.MessageType_MsgHibernate, From: 3, To: 1, Term: 9, Index: 3, LogTerm: 2, Commit: 3})
	seedMsg(f, &pb.Message{Type: pb.MessageType_MsgHibernateResp, From: 2, To: 1, Term: 2, Reject: true})
	ccv2, _ := proto.Marshal(&pb.ConfChangeV2{Changes: []*pb.ConfChangeSingle{{Type: 2, NodeId: 9}, {Type: 1, NodeId: 1}, {Type: 7}}})
	seedMsg(f, &pb.Message{Type: pb.MessageType_MsgProp, From: 3, To: 1,
		Entries: []*pb.Entry{{Type: pb.EntryType_EntryConfChangeV2, Data: ccv2}}})
	seedMsg(f, &pb.Message{Type: pb.MessageType_MsgSnap, From: 1, To: 2, Term: 3,
		Snapshot: &pb.Snapshot{Metadata: &pb.SnapshotMetadata{Index: 50, Term: 3, ConfState: &pb.ConfState{
			Voters: []uint64{1, 2, 2, 0}, Learners: []uint64{2, 3}, VotersOutgoing: []uint64{1, 4}, AutoLeave: true}}}})
	f.Add([]byte{0xff, 0x01})
	f.Fuzz(func(t *testing.T, data []byte) {
		var m pb.Message
		if proto.Unmarshal(data, &m) != nil {
			return
		}
		c := newRawCluster(t, 3)
		_ = c.nodes[1].Campaign()
		c.settle(t)
		_ = c.nodes[1].Propose([]byte("a"))
		c.settle(t)
		for _, to := range []uint64{1, 2} {
			msg := cloneMsg(&m)
			msg.To = to
			_ = c.nodes[to].Step(msg)
			for c.nodes[to].HasReady() {
				c.handle(t, to)
			}
		}
		c.queue = nil
		// The cluster still makes progress from the leader's side.
		c.nodes[1].Tick()
		c.settle(t)
	})
}
