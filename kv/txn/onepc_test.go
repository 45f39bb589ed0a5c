package txn

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/proto/errorpb"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/storage"
)

// fakeClock answers next (or err); with gate set, only once gate is closed.
type fakeClock struct {
	next  uint64
	err   error
	gate  chan struct{}
	calls atomic.Int32
}

func (c *fakeClock) GetTS(ctx context.Context) (uint64, error) {
	c.calls.Add(1)
	if c.gate != nil {
		select {
		case <-c.gate:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	return c.next, c.err
}

func (f *fixture) onePC(start uint64, ms ...*kvrpcpb.Mutation) *kvrpcpb.KvPrewriteResponse {
	f.t.Helper()
	resp, err := f.e.Prewrite(ctx, &kvrpcpb.KvPrewriteRequest{Mutations: ms, PrimaryLock: ms[0].GetKey(),
		StartVersion: start, LockTtl: 100, TryOnePc: true})
	if err != nil {
		f.t.Fatalf("Prewrite(try_one_pc): %v", err)
	}
	return resp
}

func TestOnePCCommitsWithoutLocks(t *testing.T) {
	f := newFixture(t)
	f.committed("b", 1, 2, []byte("old"))
	f.e.SetClock(&fakeClock{next: 20})
	resp := f.onePC(10, put("a", "1"), del("b"), &kvrpcpb.Mutation{Op: kvrpcpb.Op_Lock, Key: []byte("c")})
	if len(resp.GetErrors()) > 0 || resp.GetOnePcCommitVersion() != 20 {
		t.Fatalf("response %v; want committed at 20", resp)
	}
	f.wantDump("value a@10: 1", "write a@20: put start=10", "write b@20: delete start=10",
		"write c@20: lock start=10", "value b@1: old", "write b@2: put start=1")
	f.wantValue("a", 19, nil)
	f.wantValue("a", 20, []byte("1"))
	f.wantValue("b", 19, []byte("old"))
	f.wantValue("b", 20, nil)
	if f.e.mem.n.Load() != 0 || f.e.OnePhaseCommits() != 1 {
		t.Fatalf("%d memory locks left, %d one-phase commits counted", f.e.mem.n.Load(), f.e.OnePhaseCommits())
	}
	// A retry of the same request finds the commit and answers it again, writing nothing.
	before := f.dump()
	if again := f.onePC(10, put("a", "1"), del("b"), &kvrpcpb.Mutation{Op: kvrpcpb.Op_Lock, Key: []byte("c")}); again.GetOnePcCommitVersion() != 20 {
		t.Fatalf("retried one-phase commit answered %v; want committed at 20", again)
	}
	f.wantUnchanged(before)
}

func TestOnePCFallsBackToLocks(t *testing.T) {
	for name, clock := range map[string]Clock{
		"no clock":      nil,
		"clock fails":   &fakeClock{err: errors.New("tso down")},
		"clock too low": &fakeClock{next: 5},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			if clock != nil {
				f.e.SetClock(clock)
			}
			resp := f.onePC(10, put("a", "1"))
			if len(resp.GetErrors()) > 0 || resp.GetOnePcCommitVersion() != 0 {
				t.Fatalf("response %v; want locked, not committed", resp)
			}
			f.wantDump("lock a: put@10 primary=a ttl=100", "value a@10: 1")
			if f.e.mem.n.Load() != 0 {
				t.Fatalf("%d memory locks left", f.e.mem.n.Load())
			}
		})
	}
}

func TestOnePCChecksLikePrewrite(t *testing.T) {
	f := newFixture(t)
	clock := &fakeClock{next: 50}
	f.e.SetClock(clock)
	f.committed("a", 12, 15, []byte("newer"))
	f.locked("b", "b", 5, 100, "other")
	before := f.dump()
	resp := f.onePC(10, put("a", "1"), put("b", "2"))
	if len(resp.GetErrors()) != 2 || resp.GetErrors()[0].GetConflict() == nil || resp.GetErrors()[1].GetLocked() == nil ||
		resp.GetOnePcCommitVersion() != 0 {
		t.Fatalf("response %v; want a conflict on a and a lock on b, nothing committed", resp)
	}
	f.wantUnchanged(before)
	if clock.calls.Load() != 0 {
		t.Fatal("a failed check still took a commit timestamp")
	}
	// A key this transaction locked already (an earlier attempt fell back): 2PC goes on.
	f.prewrite(30, "c", put("c", "1"))
	if resp := f.onePC(30, put("c", "1"), put("d", "2")); resp.GetOnePcCommitVersion() != 0 || len(resp.GetErrors()) > 0 {
		t.Fatalf("response %v; want both keys locked for 2PC", resp)
	}
	if f.get("c", 60).GetError().GetLocked() == nil {
		t.Fatal("c is not locked; want 2PC locks, not a commit")
	}
}

// TestOnePCReadersWaitForMemoryLocks: between taking the commit timestamp and applying the
// write, a read at a later version must not return the old value.
func TestOnePCReadersWaitForMemoryLocks(t *testing.T) {
	f := newFixture(t)
	f.committed("a", 1, 2, []byte("old"))
	clock := &fakeClock{next: 20, gate: make(chan struct{})}
	f.e.SetClock(clock)
	done := make(chan *kvrpcpb.KvPrewriteResponse, 1)
	go func() { done <- f.onePC(10, put("a", "new")) }()
	for f.e.mem.n.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	// A read below start_ts cannot see the transaction: it does not wait.
	f.wantValue("a", 9, []byte("old"))
	type got struct {
		what string
		v    []byte
	}
	reads := make(chan got, 3)
	var wg sync.WaitGroup
	read := func(what string, fn func() []byte) {
		wg.Add(1)
		go func() { defer wg.Done(); reads <- got{what, fn()} }()
	}
	read("get", func() []byte { return f.get("a", 25).GetValue() })
	read("batch get", func() []byte {
		r, err := f.e.BatchGet(ctx, &kvrpcpb.KvBatchGetRequest{Keys: bkeys("a"), Version: 25})
		if err != nil || len(r.GetPairs()) != 1 {
			t.Errorf("BatchGet = %v, %v", r, err)
			return nil
		}
		return r.GetPairs()[0].GetValue()
	})
	read("scan", func() []byte {
		r, err := f.e.Scan(ctx, &kvrpcpb.KvScanRequest{StartKey: []byte("a"), Limit: 1, Version: 25})
		if err != nil || len(r.GetPairs()) != 1 {
			t.Errorf("Scan = %v, %v", r, err)
			return nil
		}
		return r.GetPairs()[0].GetValue()
	})
	select {
	case g := <-reads:
		t.Fatalf("%s at 25 returned %q while the commit was under way", g.what, g.v)
	case <-time.After(50 * time.Millisecond):
	}
	close(clock.gate)
	if resp := <-done; resp.GetOnePcCommitVersion() != 20 {
		t.Fatalf("one-phase commit answered %v", resp)
	}
	wg.Wait()
	close(reads)
	for g := range reads {
		if string(g.v) != "new" {
			t.Errorf("%s at 25 = %q; want new", g.what, g.v)
		}
	}
}

// lossyStorage loses the outcome of writes: it applies them or not (apply), answers
// writeErr, and from then on answers readerErr to readers.
type lossyStorage struct {
	storage.Storage
	apply     bool
	writeErr  error
	readerErr atomic.Pointer[error]
}

func (s *lossyStorage) Write(ctx context.Context, kvctx *kvrpcpb.Context, batch []storage.Modify) error {
	if s.apply {
		if err := s.Storage.Write(ctx, kvctx, batch); err != nil {
			return err
		}
	}
	return s.writeErr
}

func (s *lossyStorage) Reader(ctx context.Context, kvctx *kvrpcpb.Context) (storage.Reader, error) {
	if p := s.readerErr.Load(); p != nil {
		return nil, *p
	}
	return s.Storage.Reader(ctx, kvctx)
}

func timeoutErr() error {
	return &storage.RegionError{Err: &errorpb.Error{Message: "proposal timed out", Timeout: &errorpb.Timeout{}}}
}

func TestOnePCLostOutcomeApplied(t *testing.T) {
	f := newFixture(t)
	st := &lossyStorage{Storage: f.st, apply: true, writeErr: timeoutErr()}
	e := New(st)
	e.SetClock(&fakeClock{next: 20})
	resp, err := e.Prewrite(ctx, &kvrpcpb.KvPrewriteRequest{Mutations: []*kvrpcpb.Mutation{put("a", "1")},
		PrimaryLock: []byte("a"), StartVersion: 10, LockTtl: 100, TryOnePc: true})
	if err != nil || resp.GetOnePcCommitVersion() != 20 {
		t.Fatalf("Prewrite = %v, %v; want the write found applied, committed at 20", resp, err)
	}
	if e.mem.n.Load() != 0 {
		t.Fatal("memory locks left")
	}
}

func TestOnePCLostOutcomeNotLeader(t *testing.T) {
	f := newFixture(t)
	st := &lossyStorage{Storage: f.st, writeErr: timeoutErr()}
	e := New(st)
	e.SetClock(&fakeClock{next: 20})
	// The first settling read still sees this store lead (nothing applied yet); then it loses
	// the region, after which the write cannot surface here.
	go func() {
		time.Sleep(30 * time.Millisecond)
		notLeader := error(&storage.RegionError{Err: &errorpb.Error{Message: "not leader", NotLeader: &errorpb.NotLeader{RegionId: 1}}})
		st.readerErr.Store(&notLeader)
	}()
	_, err := e.Prewrite(ctx, &kvrpcpb.KvPrewriteRequest{Mutations: []*kvrpcpb.Mutation{put("a", "1")},
		PrimaryLock: []byte("a"), StartVersion: 10, LockTtl: 100, TryOnePc: true})
	if !isTimeout(err) {
		t.Fatalf("Prewrite error %v; want the write's timeout", err)
	}
	if e.mem.n.Load() != 0 {
		t.Fatal("memory locks left")
	}
}

func TestOnePCDefiniteFailureReleases(t *testing.T) {
	f := newFixture(t)
	busy := &storage.RegionError{Err: &errorpb.Error{Message: "busy", ServerIsBusy: &errorpb.ServerIsBusy{}}}
	e := New(&lossyStorage{Storage: f.st, writeErr: busy})
	e.SetClock(&fakeClock{next: 20})
	_, err := e.Prewrite(ctx, &kvrpcpb.KvPrewriteRequest{Mutations: []*kvrpcpb.Mutation{put("a", "1")},
		PrimaryLock: []byte("a"), StartVersion: 10, LockTtl: 100, TryOnePc: true})
	var re *storage.RegionError
	if !errors.As(err, &re) || re.Err.GetServerIsBusy() == nil || e.mem.n.Load() != 0 {
		t.Fatalf("Prewrite error %v, %d memory locks; want busy at once and none left", err, e.mem.n.Load())
	}
}
