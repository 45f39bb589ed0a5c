package raft

import (
	"errors"
	"testing"

	pb "github.com/gee-project/gee/kv/raft/raftpb"
)

func entsOf(terms map[uint64]uint64, lo, hi uint64) []*pb.Entry {
	var out []*pb.Entry
	for i := lo; i < hi; i++ {
		out = append(out, &pb.Entry{Index: i, Term: terms[i]})
	}
	return out
}

func newFilledStorage(t *testing.T) *MemoryStorage {
	t.Helper()
	s := NewMemoryStorage(1)
	if err := s.Append(entsOf(map[uint64]uint64{2: 1, 3: 2, 4: 2, 5: 3}, 2, 6)); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestMemoryStorageTermAndBounds(t *testing.T) {
	s := newFilledStorage(t)
	first, _ := s.FirstIndex()
	last, _ := s.LastIndex()
	if first != 2 || last != 5 {
		t.Fatalf("first %d last %d, want 2 and 5", first, last)
	}
	if term, err := s.Term(4); err != nil || term != 2 {
		t.Fatalf("Term(4) = %d, %v", term, err)
	}
	if term, err := s.Term(1); err != nil || term != 1 {
		t.Fatalf("Term(1) (snapshot) = %d, %v", term, err)
	}
	if _, err := s.Term(0); !errors.Is(err, ErrCompacted) {
		t.Fatalf("Term(0) err %v, want ErrCompacted", err)
	}
	if _, err := s.Term(6); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Term(6) err %v, want ErrUnavailable", err)
	}
}

func TestMemoryStorageEntries(t *testing.T) {
	s := newFilledStorage(t)
	if _, err := s.Entries(1, 3, noLimit); !errors.Is(err, ErrCompacted) {
		t.Fatalf("Entries below first: %v", err)
	}
	if _, err := s.Entries(2, 7, noLimit); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Entries past last: %v", err)
	}
	ents, err := s.Entries(2, 6, noLimit)
	if err != nil || len(ents) != 4 {
		t.Fatalf("Entries(2,6) = %d entries, %v", len(ents), err)
	}
	// A size limit still returns at least one entry.
	if ents, _ := s.Entries(2, 6, 0); len(ents) != 1 {
		t.Fatalf("Entries with limit 0 returned %d", len(ents))
	}
	if ents, _ := s.Entries(2, 6, 2*entSize(&pb.Entry{})); len(ents) != 2 {
		t.Fatalf("Entries with room for 2 returned %d", len(ents))
	}
	// Appending to a returned slice must not corrupt the storage.
	ents, _ = s.Entries(2, 4, noLimit)
	_ = append(ents, &pb.Entry{Index: 99, Term: 99})
	if term, _ := s.Term(4); term != 2 {
		t.Fatal("caller's append overwrote storage")
	}
}

func TestMemoryStorageAppendReplacesConflicts(t *testing.T) {
	s := newFilledStorage(t)
	if err := s.Append([]*pb.Entry{{Index: 4, Term: 4}}); err != nil {
		t.Fatal(err)
	}
	last, _ := s.LastIndex()
	if term, _ := s.Term(4); last != 4 || term != 4 {
		t.Fatalf("after overwrite last %d term %d, want 4 and 4", last, term)
	}
	if err := s.Append([]*pb.Entry{{Index: 9, Term: 4}}); err == nil {
		t.Fatal("append with a gap accepted")
	}
	// Entries before the first index are ignored, not an error.
	if err := s.Append([]*pb.Entry{{Index: 1, Term: 1}, {Index: 2, Term: 1}}); err != nil {
		t.Fatal(err)
	}
}

func TestMemoryStorageSnapshotAndCompact(t *testing.T) {
	s := newFilledStorage(t)
	cs := &pb.ConfState{Voters: []uint64{1, 2}}
	snap, err := s.CreateSnapshot(4, cs, []byte("d"))
	if err != nil || snap.Metadata.Index != 4 || snap.Metadata.Term != 2 {
		t.Fatalf("CreateSnapshot = %v, %v", snap, err)
	}
	if _, err := s.CreateSnapshot(3, nil, nil); !errors.Is(err, ErrSnapOutOfDate) {
		t.Fatalf("older snapshot: %v, want ErrSnapOutOfDate", err)
	}
	if _, err := s.CreateSnapshot(9, nil, nil); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("snapshot past last: %v, want ErrUnavailable", err)
	}
	if err := s.Compact(4); err != nil {
		t.Fatal(err)
	}
	if err := s.Compact(3); !errors.Is(err, ErrCompacted) {
		t.Fatalf("compact below first: %v", err)
	}
	if err := s.Compact(9); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("compact past last: %v", err)
	}
	first, _ := s.FirstIndex()
	if term, _ := s.Term(4); first != 5 || term != 2 {
		t.Fatalf("after compact first %d term(4) %d, want 5 and 2", first, term)
	}
	_, gotCS, _ := s.InitialState()
	if len(gotCS.Voters) != 2 {
		t.Fatalf("conf state %v after snapshot, want [1 2]", gotCS)
	}
}

func TestMemoryStorageApplySnapshot(t *testing.T) {
	s := newFilledStorage(t)
	snap := &pb.Snapshot{Metadata: &pb.SnapshotMetadata{Index: 10, Term: 4, ConfState: &pb.ConfState{Voters: []uint64{1}}}}
	if err := s.ApplySnapshot(snap); err != nil {
		t.Fatal(err)
	}
	first, _ := s.FirstIndex()
	last, _ := s.LastIndex()
	if first != 11 || last != 10 {
		t.Fatalf("after ApplySnapshot first %d last %d, want 11 and 10", first, last)
	}
	if err := s.ApplySnapshot(snap); !errors.Is(err, ErrSnapOutOfDate) {
		t.Fatalf("re-applying: %v, want ErrSnapOutOfDate", err)
	}
	hs := &pb.HardState{Term: 4, Vote: 1, Commit: 10}
	_ = s.SetHardState(hs)
	got, _, _ := s.InitialState()
	if got.Term != 4 || got.Vote != 1 || got.Commit != 10 {
		t.Fatalf("hard state %v", got)
	}
}

// Unstable log: entries persisted by the caller leave the unstable tail,
// but only if they were not replaced meanwhile.
func TestUnstableStableTo(t *testing.T) {
	u := unstable{offset: 5, entries: []*pb.Entry{{Index: 5, Term: 1}, {Index: 6, Term: 1}}}
	u.stableTo(5, 2) // wrong term: replaced since
	if u.offset != 5 {
		t.Fatal("stableTo with a stale term dropped entries")
	}
	u.stableTo(5, 1)
	if u.offset != 6 || len(u.entries) != 1 {
		t.Fatalf("offset %d len %d, want 6 and 1", u.offset, len(u.entries))
	}
	handed := u.entries
	u.truncateAndAppend([]*pb.Entry{{Index: 6, Term: 2}})
	if handed[0].Term != 1 {
		t.Fatal("truncateAndAppend overwrote a slice already handed out")
	}
}

func TestInflights(t *testing.T) {
	in := NewInflights(3)
	for i := uint64(1); i <= 3; i++ {
		in.Add(i * 10)
	}
	if !in.Full() {
		t.Fatal("not full after 3 adds")
	}
	in.FreeLE(20)
	if in.Count() != 1 || in.Full() {
		t.Fatalf("count %d after FreeLE(20), want 1", in.Count())
	}
	in.Add(40)
	in.Add(50)
	in.FreeFirstOne()
	if in.Count() != 2 {
		t.Fatalf("count %d after FreeFirstOne, want 2", in.Count())
	}
}
