package rafttest

import (
	"bytes"
	"fmt"

	"github.com/gee-project/gee/kv/raft"
	pb "github.com/gee-project/gee/kv/raft/raftpb"
)

type entryID struct{ term, index uint64 }

type seenEntry struct {
	e        *pb.Entry
	prevTerm uint64
}

// checker holds the global knowledge the safety properties are checked
// against.
type checker struct {
	leaderOf     map[uint64]uint64    // term -> the leader elected in it
	committed    map[uint64]*pb.Entry // index -> entry known committed
	commitTerm   map[uint64]uint64    // index -> earliest term it was seen committed in
	maxCommitted uint64
	appliedAt    map[uint64]*pb.Entry // index -> entry first applied there
	maxAcked     uint64               // highest index applied anywhere
	reads        map[string]uint64    // ReadIndex ctx -> maxAcked when issued
	everMember   map[uint64]bool
	entries      map[entryID]seenEntry
}

func newChecker() *checker {
	return &checker{leaderOf: map[uint64]uint64{}, committed: map[uint64]*pb.Entry{},
		commitTerm: map[uint64]uint64{},
		appliedAt:  map[uint64]*pb.Entry{}, reads: map[string]uint64{}, everMember: map[uint64]bool{},
		entries: map[entryID]seenEntry{}}
}

func sameEntry(a, b *pb.Entry) bool {
	return a.Term == b.Term && a.Index == b.Index && a.Type == b.Type && bytes.Equal(a.Data, b.Data)
}

// afterPersist runs once a node's Ready is durable: election safety,
// leader completeness, log matching and the commit registry.
func (k *checker) afterPersist(n *node, rd *raft.Ready) error {
	st := n.rn.Status()
	prevI, prevT, ents := n.log()
	if err := k.electionSafety(n); err != nil {
		return err
	}
	if st.SoftState.RaftState == raft.StateLeader {
		if err := k.leaderComplete(n.id, st.Term, prevI, prevT, ents); err != nil {
			return err
		}
	}
	if rd.HardState != nil {
		for _, e := range ents {
			if e.Index > rd.HardState.Commit {
				break
			}
			if err := k.record(k.committed, e, "commit", n.id); err != nil {
				return err
			}
			if ct, ok := k.commitTerm[e.Index]; !ok || st.Term < ct {
				k.commitTerm[e.Index] = st.Term
			}
			k.maxCommitted = max(k.maxCommitted, e.Index)
		}
	}
	return k.logMatching(n.id, prevT, ents)
}

// electionSafety records n's leadership: at most one leader per term.
func (k *checker) electionSafety(n *node) error {
	st := n.rn.Status()
	if st.SoftState.RaftState != raft.StateLeader {
		return nil
	}
	if l, ok := k.leaderOf[st.Term]; ok && l != n.id {
		return fmt.Errorf("election safety: nodes %d and %d both lead term %d", l, n.id, st.Term)
	}
	k.leaderOf[st.Term] = n.id
	return nil
}

// leaderComplete: a leader of term holds every entry committed in an
// earlier term (beyond its snapshot, which covers only committed entries).
func (k *checker) leaderComplete(id, term, prevI, prevT uint64, ents []*pb.Entry) error {
	// Only indexes from the leader's snapshot on need checking; the
	// snapshot itself covers committed entries only.
	for idx := prevI; idx <= k.maxCommitted; idx++ {
		want, ok := k.committed[idx]
		if !ok || k.commitTerm[idx] >= term {
			continue
		}
		if idx == prevI {
			if prevT != want.Term {
				return fmt.Errorf("leader completeness: leader %d snapshot at %d has term %d, committed term %d",
					id, idx, prevT, want.Term)
			}
			continue
		}
		off := idx - prevI - 1
		if off >= uint64(len(ents)) || !sameEntry(ents[off], want) {
			return fmt.Errorf("leader completeness: leader %d lacks committed entry %d/%d",
				id, want.Term, idx)
		}
	}
	return nil
}

// record stores e in reg, failing if a different entry was there.
func (k *checker) record(reg map[uint64]*pb.Entry, e *pb.Entry, what string, id uint64) error {
	if old, ok := reg[e.Index]; ok {
		if !sameEntry(old, e) {
			return fmt.Errorf("%s safety: node %d has %d/%d at index %d, but %d/%d was %sted there",
				what, id, e.Term, e.Index, e.Index, old.Term, old.Index, what)
		}
		return nil
	}
	reg[e.Index] = e
	return nil
}

// logMatching checks this node's log against every log seen so far: an
// entry id (term, index) must always carry the same data and follow the
// same predecessor term. By induction on the index, equal ids then imply
// identical prefixes, which is the Log Matching property.
func (k *checker) logMatching(id, prevT uint64, ents []*pb.Entry) error {
	for i, e := range ents {
		pt := prevT
		if i > 0 {
			pt = ents[i-1].Term
		}
		key := entryID{e.Term, e.Index}
		seen, ok := k.entries[key]
		if !ok {
			k.entries[key] = seenEntry{e: e, prevTerm: pt}
			continue
		}
		if !sameEntry(seen.e, e) || seen.prevTerm != pt {
			return fmt.Errorf("log matching: node %d entry %d/%d (prev term %d) differs from one seen before (prev term %d)",
				id, e.Term, e.Index, pt, seen.prevTerm)
		}
	}
	return nil
}

// applied checks state machine safety for one applied entry.
func (k *checker) applied(n *node, e *pb.Entry) error {
	if err := k.record(k.appliedAt, e, "apply", n.id); err != nil {
		return err
	}
	if e.Index > k.maxAcked {
		k.maxAcked = e.Index
	}
	return nil
}

// readState checks linearizability of ReadIndex: the read index covers
// everything acknowledged before the read was issued.
func (k *checker) readState(n *node, rs raft.ReadState) error {
	before, ok := k.reads[string(rs.RequestCtx)]
	if !ok {
		return fmt.Errorf("node %d got a ReadState for unknown ctx %x", n.id, rs.RequestCtx)
	}
	if rs.Index < before {
		return fmt.Errorf("read index: node %d read at %d, but index %d was acknowledged before", n.id,
			rs.Index, before)
	}
	return nil
}
