package rafttest

import (
	"testing"

	"github.com/gee-project/gee/kv/raft"
	pb "github.com/gee-project/gee/kv/raft/raftpb"
)

func ent(term, index uint64, data string) *pb.Entry {
	return &pb.Entry{Term: term, Index: index, Data: []byte(data)}
}

// The checks must be able to fail: feed them violations directly.
func TestCheckerDetectsLogMatchingViolation(t *testing.T) {
	k := newChecker()
	if err := k.logMatching(1, 1, []*pb.Entry{ent(1, 2, "a"), ent(2, 3, "b")}); err != nil {
		t.Fatal(err)
	}
	// Same id (2, 3) but a different predecessor: prefixes differ.
	if err := k.logMatching(2, 1, []*pb.Entry{ent(2, 2, "a"), ent(2, 3, "b")}); err == nil {
		t.Fatal("differing prefixes under the same entry id not detected")
	}
	// Same id with different data.
	if err := k.logMatching(3, 1, []*pb.Entry{ent(1, 2, "z")}); err == nil {
		t.Fatal("different data under the same entry id not detected")
	}
}

func TestCheckerDetectsStateMachineViolation(t *testing.T) {
	k := newChecker()
	n1, n2 := &node{id: 1}, &node{id: 2}
	if err := k.applied(n1, ent(1, 5, "a")); err != nil {
		t.Fatal(err)
	}
	if err := k.applied(n2, ent(2, 5, "b")); err == nil {
		t.Fatal("two different entries applied at index 5 not detected")
	}
}

func TestCheckerDetectsIncompleteLeader(t *testing.T) {
	k := newChecker()
	k.committed[3] = ent(1, 3, "c")
	k.commitTerm[3] = 1
	k.maxCommitted = 3
	if err := k.leaderComplete(1, 2, 1, 1, []*pb.Entry{ent(1, 2, "x")}); err == nil {
		t.Fatal("leader of term 2 lacking an entry committed in term 1 not detected")
	}
	if err := k.leaderComplete(1, 2, 1, 1, []*pb.Entry{ent(1, 2, "x"), ent(1, 3, "c")}); err != nil {
		t.Fatal(err)
	}
}

func TestCheckerDetectsStaleRead(t *testing.T) {
	k := newChecker()
	k.reads["r"] = 10
	if err := k.readState(&node{id: 1}, raft.ReadState{Index: 9, RequestCtx: []byte("r")}); err == nil {
		t.Fatal("read below an acknowledged index not detected")
	}
}
