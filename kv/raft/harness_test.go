package raft

import (
	"math/rand/v2"
	"testing"

	pb "github.com/gee-project/gee/kv/raft/raftpb"
)

// testConfig is a small deterministic configuration.
func testConfig(id uint64, s Storage) *Config {
	return &Config{ID: id, ElectionTick: 10, HeartbeatTick: 1, Storage: s, MaxSizePerMsg: noLimit,
		MaxInflightMsgs: 256, Logger: DiscardLogger{}, Rand: rand.New(rand.NewPCG(id, 1))}
}

func newTestRaft(t testing.TB, c *Config) *raft {
	t.Helper()
	r, err := newRaft(c)
	if err != nil {
		t.Fatalf("newRaft: %v", err)
	}
	return r
}

// newPeers builds raft nodes 1..n sharing a bootstrap membership.
func newPeers(t testing.TB, n int, tweak func(*Config)) []*raft {
	ids := make([]uint64, n)
	for i := range ids {
		ids[i] = uint64(i + 1)
	}
	out := make([]*raft, n)
	for i, id := range ids {
		c := testConfig(id, NewMemoryStorage(ids...))
		if tweak != nil {
			tweak(c)
		}
		out[i] = newTestRaft(t, c)
	}
	return out
}

func (r *raft) readMessages() []*pb.Message {
	r.flushAppends()
	msgs := r.msgs
	r.msgs = nil
	return msgs
}

type conn struct{ from, to uint64 }

// network delivers messages between raft state machines synchronously,
// with per-link cuts and per-type filters.
type network struct {
	peers   map[uint64]*raft
	cut     map[conn]bool
	ignore  map[pb.MessageType]bool
	dropTo  map[dropKey]bool
	maxMsgs int
}

// dropKey names messages of one type to one node that the network loses.
type dropKey struct {
	to  uint64
	typ pb.MessageType
}

func newNetwork(peers ...*raft) *network {
	nw := &network{peers: map[uint64]*raft{}, cut: map[conn]bool{}, ignore: map[pb.MessageType]bool{},
		dropTo: map[dropKey]bool{}, maxMsgs: 100_000}
	for _, p := range peers {
		nw.peers[p.id] = p
	}
	return nw
}

// send delivers msgs and everything they trigger until quiet; bounded so
// a livelock fails instead of hanging.
func (nw *network) send(t testing.TB, msgs ...*pb.Message) {
	t.Helper()
	for n := 0; len(msgs) > 0; n++ {
		if n > nw.maxMsgs {
			t.Fatalf("network did not quiesce after %d messages", n)
		}
		m := msgs[0]
		msgs = msgs[1:]
		p := nw.peers[m.To]
		if p == nil {
			continue
		}
		_ = p.Step(m)
		msgs = append(msgs, nw.filter(p.readMessages())...)
	}
}

func (nw *network) filter(msgs []*pb.Message) []*pb.Message {
	var out []*pb.Message
	for _, m := range msgs {
		if nw.cut[conn{m.From, m.To}] || nw.ignore[m.Type] || nw.dropTo[dropKey{m.To, m.Type}] {
			continue
		}
		out = append(out, cloneMsg(m))
	}
	return out
}

func cloneMsg(m *pb.Message) *pb.Message {
	c := &pb.Message{Type: m.Type, To: m.To, From: m.From, Term: m.Term, LogTerm: m.LogTerm,
		Index: m.Index, Commit: m.Commit, Snapshot: m.Snapshot, Reject: m.Reject,
		RejectHint: m.RejectHint, Context: m.Context}
	for _, e := range m.Entries {
		c.Entries = append(c.Entries, &pb.Entry{Term: e.Term, Index: e.Index, Type: e.Type, Data: e.Data})
	}
	return c
}

// isolate cuts every link to and from id.
func (nw *network) isolate(id uint64) {
	for other := range nw.peers {
		if other != id {
			nw.cut[conn{id, other}] = true
			nw.cut[conn{other, id}] = true
		}
	}
}

func (nw *network) recover() {
	nw.cut = map[conn]bool{}
	nw.ignore = map[pb.MessageType]bool{}
	nw.dropTo = map[dropKey]bool{}
}

// campaign makes id start an election and runs it to completion.
func (nw *network) campaign(t testing.TB, id uint64) {
	t.Helper()
	nw.send(t, &pb.Message{From: id, To: id, Type: pb.MessageType_MsgHup})
}

func (nw *network) propose(t testing.TB, id uint64, data string) {
	t.Helper()
	nw.send(t, &pb.Message{From: id, To: id, Type: pb.MessageType_MsgProp,
		Entries: []*pb.Entry{{Data: []byte(data)}}})
}

// tick advances id's clock n times, delivering what it sends.
func (nw *network) tick(t testing.TB, id uint64, n int) {
	t.Helper()
	for range n {
		nw.peers[id].tick()
		nw.send(t, nw.filter(nw.peers[id].readMessages())...)
	}
}

func mustState(t testing.TB, r *raft, want StateType) {
	t.Helper()
	if r.state != want {
		t.Fatalf("node %d state = %v, want %v", r.id, r.state, want)
	}
}

// logTerms lists the terms of r's entries from index first.
func logTerms(t testing.TB, r *raft, first uint64) []uint64 {
	t.Helper()
	ents, err := r.raftLog.slice(first, r.raftLog.lastIndex()+1, noLimit)
	if err != nil {
		t.Fatalf("slice: %v", err)
	}
	var out []uint64
	for _, e := range ents {
		out = append(out, e.Term)
	}
	return out
}

// withLog gives a fresh node a stable log of the given terms from index 2.
func withLog(t testing.TB, r *raft, terms ...uint64) {
	t.Helper()
	ms := r.raftLog.storage.(*MemoryStorage)
	var ents []*pb.Entry
	for i, term := range terms {
		ents = append(ents, &pb.Entry{Index: uint64(i + 2), Term: term})
	}
	if err := ms.Append(ents); err != nil {
		t.Fatal(err)
	}
	r.raftLog.unstable.offset = r.raftLog.lastIndex() + 1
	if n := len(terms); n > 0 && terms[n-1] > r.Term {
		r.Term = terms[n-1]
	}
}

// tickAll ticks every node n times in id order, delivering messages.
func (nw *network) tickAll(t testing.TB, n int) {
	t.Helper()
	for range n {
		for id := uint64(1); id <= uint64(len(nw.peers)); id++ {
			if nw.peers[id] != nil {
				nw.tick(t, id, 1)
			}
		}
	}
}

// applyTo hands out and applies r's committed entries up to i, as a
// caller's Ready/Advance would.
func applyTo(t testing.TB, r *raft, i uint64) {
	t.Helper()
	if !r.raftLog.applyingTo(i) {
		t.Fatalf("cannot hand out up to %d (committed %d)", i, r.raftLog.committed)
	}
	if err := r.raftLog.appliedTo(i); err != nil {
		t.Fatal(err)
	}
}
