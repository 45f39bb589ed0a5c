package server

import (
	"testing"

	"github.com/gee-project/gee/kv/proto/kvrpcpb"
)

// Stats counts every KV RPC served through gRPC and every transaction commit: a KvCommit that
// committed (a repeated one too), a one-phase prewrite; not a failed commit or a plain prewrite.
func TestStatsCountsRequestsAndCommits(t *testing.T) {
	c, s := standaloneServer(t, Limits{}, nil)
	clock := &counterClock{}
	clock.next.Store(1000)
	s.Txn().SetClock(clock)
	put(t, c, "default", "k", "v") // 1 request
	if errs := prewrite(t, c, 10, "a", putMut("a", "1")); len(errs) != 0 {
		t.Fatal(errs)
	}
	if got := s.Stats(); got.KVRequests != 2 || got.TxnCommits != 0 {
		t.Fatalf("after a raw put and a prewrite: %+v, want 2 requests, 0 commits", got)
	}
	if ke := commit(t, c, 10, 20, "a"); ke != nil {
		t.Fatal(ke)
	}
	if ke := commit(t, c, 11, 21, "zz"); ke == nil { // nothing prewritten at 11: not a commit
		t.Fatal("commit without a lock succeeded")
	}
	resp, err := c.KvPrewrite(ctxT(t), &kvrpcpb.KvPrewriteRequest{Mutations: []*kvrpcpb.Mutation{putMut("b", "2")},
		PrimaryLock: []byte("b"), StartVersion: 30, LockTtl: 60_000, TryOnePc: true})
	if err != nil || resp.GetOnePcCommitVersion() == 0 {
		t.Fatalf("one-phase prewrite: %v, %v", resp, err)
	}
	if got := s.Stats(); got.KVRequests != 5 || got.TxnCommits != 2 {
		t.Fatalf("after commit, failed commit, one-phase commit: %+v, want 5 requests, 2 commits", got)
	}
}
