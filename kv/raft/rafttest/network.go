package rafttest

import (
	"math/rand/v2"

	pb "github.com/gee-project/gee/kv/raft/raftpb"
)

// envelope is a message in flight, due for delivery at step due.
type envelope struct {
	msg *pb.Message
	due int
}

// network is the simulated transport between nodes.
type network struct {
	rng      *rand.Rand
	inflight []envelope
	group    map[uint64]int // partition group per node; same group can talk
	dropP    float64
	dupP     float64
	maxDelay int
}

func (n *network) connected(a, b uint64) bool {
	return n.group[a] == n.group[b]
}

// send enqueues m subject to loss, duplication and delay. It reports
// whether at least one copy will be delivered (absent a later partition).
func (n *network) send(m *pb.Message, now int) bool {
	if !n.connected(m.From, m.To) || n.rng.Float64() < n.dropP {
		return false
	}
	copies := 1
	if n.rng.Float64() < n.dupP {
		copies = 2
	}
	for range copies {
		delay := 0
		if n.maxDelay > 0 {
			delay = n.rng.IntN(n.maxDelay + 1)
		}
		n.inflight = append(n.inflight, envelope{msg: cloneMessage(m), due: now + delay})
	}
	return true
}

// due removes and returns, shuffled, the messages deliverable at now.
func (n *network) due(now int) []*pb.Message {
	var out []*pb.Message
	kept := n.inflight[:0]
	for _, e := range n.inflight {
		if e.due <= now {
			out = append(out, e.msg)
		} else {
			kept = append(kept, e)
		}
	}
	n.inflight = kept
	n.rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// partition splits ids into two random non-empty groups.
func (n *network) partition(ids []uint64) {
	for _, id := range ids {
		n.group[id] = n.rng.IntN(2)
	}
}

// isolate puts id alone in its own group.
func (n *network) isolate(ids []uint64, id uint64) {
	for _, o := range ids {
		n.group[o] = 0
	}
	n.group[id] = 1
}

// whole reports whether no partition is in force.
func (n *network) whole() bool {
	for _, g := range n.group {
		if g != 0 {
			return false
		}
	}
	return true
}

func (n *network) heal(ids []uint64) {
	for _, id := range ids {
		n.group[id] = 0
	}
}

// cloneMessage copies a message as a real transport would, so receivers
// never share mutable structs with senders. Byte payloads are immutable.
func cloneMessage(m *pb.Message) *pb.Message {
	c := &pb.Message{
		Type: m.Type, To: m.To, From: m.From, Term: m.Term, LogTerm: m.LogTerm, Index: m.Index,
		Commit: m.Commit, Snapshot: m.Snapshot, Reject: m.Reject, RejectHint: m.RejectHint,
		Context: m.Context,
	}
	if len(m.Entries) > 0 {
		c.Entries = make([]*pb.Entry, len(m.Entries))
		for i, e := range m.Entries {
			c.Entries[i] = &pb.Entry{Term: e.Term, Index: e.Index, Type: e.Type, Data: e.Data}
		}
	}
	return c
}
