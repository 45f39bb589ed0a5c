package raft

import pb "github.com/gee-project/gee/kv/raft/raftpb"

// unstable holds entries and a snapshot not yet persisted by the caller.
// entries[i] has index offset+i.
type unstable struct {
	snapshot *pb.Snapshot
	entries  []*pb.Entry
	offset   uint64
}

// maybeFirstIndex is the first log index if a pending snapshot defines it.
func (u *unstable) maybeFirstIndex() (uint64, bool) {
	if u.snapshot != nil {
		return u.snapshot.Metadata.Index + 1, true
	}
	return 0, false
}

// maybeLastIndex is the last log index if the unstable part defines it.
func (u *unstable) maybeLastIndex() (uint64, bool) {
	if l := len(u.entries); l != 0 {
		return u.offset + uint64(l) - 1, true
	}
	if u.snapshot != nil {
		return u.snapshot.Metadata.Index, true
	}
	return 0, false
}

// maybeTerm is the term of entry i if the unstable part holds it.
func (u *unstable) maybeTerm(i uint64) (uint64, bool) {
	if i < u.offset {
		if u.snapshot != nil && u.snapshot.Metadata.Index == i {
			return u.snapshot.Metadata.Term, true
		}
		return 0, false
	}
	last, ok := u.maybeLastIndex()
	if !ok || i > last {
		return 0, false
	}
	return u.entries[i-u.offset].Term, true
}

// stableTo drops entries up to i once the caller persisted them, unless
// they were replaced by a newer term meanwhile.
func (u *unstable) stableTo(i, t uint64) {
	gt, ok := u.maybeTerm(i)
	if !ok || gt != t || i < u.offset {
		return
	}
	u.entries = u.entries[i+1-u.offset:]
	u.offset = i + 1
	if len(u.entries) == 0 {
		u.entries = nil
	}
}

// stableSnapTo drops the pending snapshot once persisted.
func (u *unstable) stableSnapTo(i uint64) {
	if u.snapshot != nil && u.snapshot.Metadata.Index == i {
		u.snapshot = nil
	}
}

// restore replaces everything with snapshot s.
func (u *unstable) restore(s *pb.Snapshot) {
	u.offset = s.Metadata.Index + 1
	u.entries = nil
	u.snapshot = s
}

// truncateAndAppend appends ents, first dropping any suffix they replace.
// Slices already handed out are never overwritten.
func (u *unstable) truncateAndAppend(ents []*pb.Entry) {
	after := ents[0].Index
	switch {
	case after == u.offset+uint64(len(u.entries)):
		u.entries = append(u.entries, ents...)
	case after <= u.offset:
		u.offset = after
		u.entries = append([]*pb.Entry(nil), ents...)
	default:
		kept := u.entries[:after-u.offset]
		u.entries = make([]*pb.Entry, 0, len(kept)+len(ents))
		u.entries = append(append(u.entries, kept...), ents...)
	}
}

// slice returns entries [lo, hi); the caller checked the bounds.
func (u *unstable) slice(lo, hi uint64) []*pb.Entry {
	return u.entries[lo-u.offset : hi-u.offset : hi-u.offset]
}
