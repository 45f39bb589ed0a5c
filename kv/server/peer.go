package server

import (
	"errors"
	"fmt"
	"io"

	"github.com/gee-project/gee/kv/proto/raftserverpb"
	"github.com/gee-project/gee/kv/proto/tinykvpb"
	"github.com/gee-project/gee/kv/raft/raftpb"
	"github.com/gee-project/gee/kv/server/snapchunk"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

var errStandalone = status.Error(codes.Unimplemented, "server runs in standalone mode: no raft peers")

// ValidateRaftMessage checks the envelope of a raft message that came from another
// store before it reaches the raftstore: ids present and consistent, not one of the
// message types a raft node only ever generates for itself, and no entry whose data
// exceeds maxEntrySize bytes.
func ValidateRaftMessage(m *raftserverpb.RaftMessage, maxEntrySize int) error {
	switch {
	case m.GetRegionId() == 0:
		return errors.New("raft message: region_id is 0")
	case m.GetFromPeer() == nil || m.GetToPeer() == nil:
		return errors.New("raft message: from_peer or to_peer missing")
	case m.GetToPeer().GetStoreId() == 0 || m.GetFromPeer().GetStoreId() == 0:
		return errors.New("raft message: peer with store_id 0")
	case m.GetToPeer().GetId() == 0 || m.GetFromPeer().GetId() == 0:
		return errors.New("raft message: peer with id 0")
	}
	rm := m.GetMessage()
	if rm == nil {
		if m.GetIsTombstone() {
			return nil
		}
		return errors.New("raft message: no message and not a tombstone")
	}
	switch rm.GetType() {
	case raftpb.MessageType_MsgHup, raftpb.MessageType_MsgBeat, raftpb.MessageType_MsgUnreachable,
		raftpb.MessageType_MsgSnapStatus, raftpb.MessageType_MsgCheckQuorum:
		return fmt.Errorf("raft message: %v is local to a node and never travels between stores", rm.GetType())
	}
	if _, ok := raftpb.MessageType_name[int32(rm.GetType())]; !ok {
		return fmt.Errorf("raft message: unknown message type %d", rm.GetType())
	}
	if rm.GetTo() != m.GetToPeer().GetId() || rm.GetFrom() != m.GetFromPeer().GetId() {
		return fmt.Errorf("raft message: from %d to %d does not match from_peer %d, to_peer %d",
			rm.GetFrom(), rm.GetTo(), m.GetFromPeer().GetId(), m.GetToPeer().GetId())
	}
	for _, e := range rm.GetEntries() {
		if len(e.GetData()) > maxEntrySize {
			return fmt.Errorf("raft message: entry %d of %d bytes exceeds the limit of %d", e.GetIndex(), len(e.GetData()), maxEntrySize)
		}
	}
	return nil
}

// deliver validates msg and hands it to the raft handler; a refusal is logged and
// counted, never fatal to the stream: raft messages may be lost, and one bad message
// must not cut off the region's other traffic from that store.
func (s *Server) deliver(msg *raftserverpb.RaftMessage) error {
	err := ValidateRaftMessage(msg, s.lim.MaxRaftEntrySize)
	if err == nil {
		err = s.raft.OnRaftMessage(msg)
	}
	if err != nil {
		s.stats.raftRejected.Add(1)
		s.logf("server: dropped raft message for region %d from store %d: %v",
			msg.GetRegionId(), msg.GetFromPeer().GetStoreId(), err)
		return err
	}
	s.stats.raftDelivered.Add(1)
	return nil
}

// Raft receives one store's raft messages until it closes the stream or StopPeerStreams
// is called.
func (s *Server) Raft(stream tinykvpb.TinyKv_RaftServer) error {
	if s.raft == nil {
		return errStandalone
	}
	return s.servePeerStream(func() error {
		msg, err := stream.Recv()
		if err == nil {
			_ = s.deliver(msg)
		}
		return err
	}, func() error { return stream.SendAndClose(&raftserverpb.Done{}) })
}

// servePeerStream runs recv (receive and deliver one stream message) until it fails;
// io.EOF (the peer closed the stream) is answered with done. Receiving happens in a
// goroutine so StopPeerStreams can end the call: returning cancels the stream, which
// ends the blocked Recv.
func (s *Server) servePeerStream(recv func() error, done func() error) error {
	ended := make(chan error, 1)
	go func() {
		for {
			if err := recv(); err != nil {
				ended <- err
				return
			}
		}
	}()
	select {
	case err := <-ended:
		if err == io.EOF {
			return done()
		}
		return err
	case <-s.quit:
		return errShuttingDown
	}
}

var errShuttingDown = status.Error(codes.Unavailable, "server shutting down")

// StopPeerStreams ends every Raft stream, now and in future, so a graceful gRPC stop
// does not wait for them: peers' streams never end on their own. Call it once the
// client requests have drained (DrainUnary).
func (s *Server) StopPeerStreams() { s.quitOnce.Do(func() { close(s.quit) }) }

// Snapshot receives one snapshot in chunks and delivers it only once it is complete
// and intact. A stream that breaks off, runs over MaxSnapshotSize or fails its checksum
// delivers nothing.
func (s *Server) Snapshot(stream tinykvpb.TinyKv_SnapshotServer) error {
	if s.raft == nil {
		return errStandalone
	}
	msg, err := s.receiveSnapshot(stream)
	if err != nil {
		s.stats.snapRejected.Add(1)
		s.logf("server: dropped snapshot stream: %v", err)
		return err
	}
	if err := ValidateRaftMessage(msg, s.lim.MaxRaftEntrySize); err != nil {
		s.stats.snapRejected.Add(1)
		return status.Error(codes.InvalidArgument, err.Error())
	}
	if err := s.raft.OnRaftMessage(msg); err != nil {
		s.stats.snapRejected.Add(1)
		s.logf("server: snapshot for region %d refused: %v", msg.GetRegionId(), err)
		return status.Errorf(codes.FailedPrecondition, "snapshot refused: %v", err)
	}
	s.stats.snapDelivered.Add(1)
	return stream.SendAndClose(&raftserverpb.Done{})
}

func (s *Server) receiveSnapshot(stream tinykvpb.TinyKv_SnapshotServer) (*raftserverpb.RaftMessage, error) {
	a := snapchunk.NewAssembler(s.lim.MaxSnapshotSize)
	for {
		c, err := stream.Recv()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if err := a.Add(c); err != nil {
			return nil, status.Error(codes.InvalidArgument, err.Error())
		}
	}
	msg, err := a.Finish()
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return msg, nil
}
