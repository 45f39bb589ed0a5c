package txn

import (
	"bytes"
	"encoding/binary"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/mvcc"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
)

func TestWriteOfUnlatchedKeyRefused(t *testing.T) {
	f := newFixture(t)
	_, err := f.e.write(ctx, nil, bkeys("a"), 10, func(t *mvcc.MvccTxn) (keyErr, error) {
		t.PutValue([]byte("a"), []byte("ok"))
		t.PutWrite([]byte("b"), 11, &mvcc.Write{StartTS: 10, Kind: mvcc.WritePut})
		return nil, nil
	})
	if err == nil || !strings.Contains(err.Error(), `"b"`) {
		t.Fatalf("err = %v, want a refusal naming key b", err)
	}
	f.wantDump() // nothing written, not even a
}

// oracle hands out increasing timestamps, like the TSO.
type oracle struct{ n atomic.Uint64 }

func (o *oracle) next() uint64 { return o.n.Add(1) }

func u64(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

// txnClient runs read-modify-write transactions against an executor: read keys at
// start_ts, prewrite with the first key as primary, commit primary then secondaries.
// On any conflict it rolls its own keys back and reports failure.
type txnClient struct {
	e  *Executor
	ts *oracle
}

func (c *txnClient) run(t *testing.T, keys [][]byte, update func(vals []uint64) []uint64) bool {
	start := c.ts.next()
	vals := make([]uint64, len(keys))
	for i, k := range keys {
		resp, err := c.e.Get(ctx, &kvrpcpb.KvGetRequest{Key: k, Version: start})
		if err != nil {
			t.Error(err)
			return false
		}
		if resp.GetError() != nil {
			return false // locked: the holder finishes on its own
		}
		if !resp.GetNotFound() {
			vals[i] = binary.BigEndian.Uint64(resp.GetValue())
		}
	}
	newVals := update(vals)
	ms := make([]*kvrpcpb.Mutation, len(keys))
	for i, k := range keys {
		ms[i] = &kvrpcpb.Mutation{Op: kvrpcpb.Op_Put, Key: k, Value: u64(newVals[i])}
	}
	pw, err := c.e.Prewrite(ctx, &kvrpcpb.KvPrewriteRequest{Mutations: ms, PrimaryLock: keys[0], StartVersion: start, LockTtl: 1000})
	if err != nil {
		t.Error(err)
		return false
	}
	if len(pw.GetErrors()) > 0 {
		c.mustRollback(t, start, keys)
		return false
	}
	commit := c.ts.next()
	for _, group := range [][][]byte{keys[:1], keys[1:]} {
		resp, err := c.e.Commit(ctx, &kvrpcpb.KvCommitRequest{StartVersion: start, CommitVersion: commit, Keys: group})
		if err != nil || resp.GetError() != nil {
			t.Errorf("commit of %q after a successful prewrite: %v, %v", group, resp.GetError(), err)
			return false
		}
	}
	return true
}

func (c *txnClient) mustRollback(t *testing.T, start uint64, keys [][]byte) {
	resp, err := c.e.BatchRollback(ctx, &kvrpcpb.KvBatchRollbackRequest{StartVersion: start, Keys: keys})
	if err != nil || resp.GetError() != nil {
		t.Errorf("rollback of txn %d: %v, %v", start, resp.GetError(), err)
	}
}

// TestConcurrentIncrementsNoLostUpdate: every successful increment is counted exactly once.
func TestConcurrentIncrementsNoLostUpdate(t *testing.T) {
	f := newFixture(t)
	c := &txnClient{e: f.e, ts: &oracle{}}
	var ok atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 25; i++ {
				if c.run(t, bkeys("counter"), func(v []uint64) []uint64 { return []uint64{v[0] + 1} }) {
					ok.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	got := f.get("counter", c.ts.next()).GetValue()
	if ok.Load() == 0 || got == nil || binary.BigEndian.Uint64(got) != uint64(ok.Load()) {
		t.Fatalf("counter = %x after %d successful increments", got, ok.Load())
	}
}

// TestConcurrentTransfersKeepTotal: transfers between accounts run concurrently with
// snapshot readers; every snapshot without locks sums to the initial total.
func TestConcurrentTransfersKeepTotal(t *testing.T) {
	f := newFixture(t)
	c := &txnClient{e: f.e, ts: &oracle{}}
	accounts := bkeys("acct0", "acct1", "acct2", "acct3", "acct4")
	if !c.run(t, accounts, func([]uint64) []uint64 { return []uint64{100, 100, 100, 100, 100} }) {
		t.Fatal("initial deposit failed")
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	var committed atomic.Int64
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 30; i++ {
				from, to := accounts[(w+i)%5], accounts[(w+2*i+1)%5]
				if bytes.Equal(from, to) {
					continue
				}
				if c.run(t, [][]byte{from, to}, func(v []uint64) []uint64 {
					if v[0] == 0 {
						return v
					}
					return []uint64{v[0] - 1, v[1] + 1}
				}) {
					committed.Add(1)
				}
			}
		}(w)
	}
	var reads atomic.Int64
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) {
			select {
			case <-stop:
				return
			default:
			}
			if checkTotal(t, f.e, accounts, c.ts.next()) {
				reads.Add(1)
			}
		}
	}()
	wg.Wait()
	close(stop)
	<-readerDone
	if !checkTotal(t, f.e, accounts, c.ts.next()) {
		t.Fatal("locks left after every transaction finished")
	}
	if committed.Load() == 0 {
		t.Fatal("no transfer committed")
	}
	t.Logf("%d transfers committed, %d clean snapshot reads", committed.Load(), reads.Load())
}

// checkTotal reads accounts at ts; it reports false if a lock hid a key, and fails the
// test if an unlocked snapshot does not sum to 500.
func checkTotal(t *testing.T, e *Executor, accounts [][]byte, ts uint64) bool {
	resp, err := e.BatchGet(ctx, &kvrpcpb.KvBatchGetRequest{Keys: accounts, Version: ts})
	if err != nil {
		t.Error(err)
		return false
	}
	var sum uint64
	for _, p := range resp.GetPairs() {
		if p.GetError() != nil {
			return false
		}
		sum += binary.BigEndian.Uint64(p.GetValue())
	}
	if len(resp.GetPairs()) != len(accounts) || sum != 500 {
		t.Errorf("snapshot at %d: %d accounts summing to %d, want 5 summing to 500", ts, len(resp.GetPairs()), sum)
	}
	return true
}

// TestConcurrentPrewritesOneWins: of prewrites of one key racing each other, exactly one
// takes the lock; without latches several would read "no lock" and all write one.
func TestConcurrentPrewritesOneWins(t *testing.T) {
	f := newFixture(t)
	ts := &oracle{}
	for round := 0; round < 15; round++ {
		const racers = 6
		var wins atomic.Int64
		var wg sync.WaitGroup
		starts := make([]uint64, racers)
		for i := range starts {
			starts[i] = ts.next()
		}
		gate := make(chan struct{})
		for _, s := range starts {
			wg.Add(1)
			go func(s uint64) {
				defer wg.Done()
				<-gate
				resp, err := f.e.Prewrite(ctx, &kvrpcpb.KvPrewriteRequest{Mutations: []*kvrpcpb.Mutation{put("k", "v")},
					PrimaryLock: []byte("k"), StartVersion: s, LockTtl: 10})
				if err != nil {
					t.Error(err)
				} else if len(resp.GetErrors()) == 0 {
					wins.Add(1)
				}
			}(s)
		}
		close(gate)
		wg.Wait()
		if wins.Load() != 1 {
			t.Fatalf("round %d: %d prewrites of one key succeeded, want exactly 1", round, wins.Load())
		}
		for _, s := range starts {
			if ke := f.rollback(s, "k"); ke != nil {
				t.Fatal(ke)
			}
		}
	}
}
