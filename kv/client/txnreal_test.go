package client

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/proto/metapb"
	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
	"github.com/gee-project/gee/kv/server"
	"github.com/gee-project/gee/kv/storage/standalone"
)

// realTxnSetup starts a real kv/server on a standalone storage (one region, all keys) and a
// scheduler that knows it, and returns a region-aware client: the commands are kv/txn's.
// The server takes commit timestamps from the scheduler, as tinykv-server does, so
// single-region transactions commit in one phase.
func realTxnSetup(t *testing.T) *Client {
	t.Helper()
	c, _ := realTxnServer(t)
	return c
}

// commitCounter counts the KvCommit and KvCheckTxnStatus calls a server answers.
type commitCounter struct {
	*server.Server
	commits, checks atomic.Int32
}

func (c *commitCounter) KvCheckTxnStatus(ctx context.Context, req *kvrpcpb.KvCheckTxnStatusRequest) (*kvrpcpb.KvCheckTxnStatusResponse, error) {
	c.checks.Add(1)
	return c.Server.KvCheckTxnStatus(ctx, req)
}

func (c *commitCounter) KvCommit(ctx context.Context, req *kvrpcpb.KvCommitRequest) (*kvrpcpb.KvCommitResponse, error) {
	c.commits.Add(1)
	return c.Server.KvCommit(ctx, req)
}

func realTxnServer(t *testing.T) (*Client, *commitCounter) {
	t.Helper()
	st, err := standalone.Open(t.TempDir(), engine.Options{CacheSize: 1 << 20, MemTableSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Stop() })
	s := &commitCounter{Server: server.New(st, nil, server.Limits{}, nil)}
	addr := listen(t, s)
	ts := startScheduler(t)
	ctx := ctxT(t)
	err = ts.admin.Bootstrap(ctx, &metapb.Store{Id: 1, Address: addr}, &metapb.Region{Id: 1,
		RegionEpoch: &metapb.RegionEpoch{ConfVer: 1, Version: 1}, Peers: []*metapb.Peer{{Id: 1, StoreId: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	c := regionClient(t, ts)
	s.Txn().SetClock(c.route.sched)
	return c, s
}

func TestTxnRealServerCommitScanConflict(t *testing.T) {
	c := realTxnSetup(t)
	ctx := ctxT(t)
	commitKVs(t, c, "a", "1", "b", "2", "c", "3")
	txn, err := c.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_ = txn.Delete([]byte("b"))
	_ = txn.Set([]byte("bb"), []byte("x"))
	if got, err := txn.Scan(ctx, []byte("a"), nil, 3); err != nil || kvString(got) != "[a=1 bb=x c=3]" {
		t.Fatalf("Scan = %s, %v", kvString(got), err)
	}
	if got, err := txn.BatchGet(ctx, [][]byte{[]byte("c"), []byte("b"), []byte("a")}); err != nil || kvString(got) != "[c=3 a=1]" {
		t.Fatalf("BatchGet = %s, %v", kvString(got), err)
	}
	other, _ := c.Begin(ctx)
	_ = other.Set([]byte("bb"), []byte("y"))
	if err := txn.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	waitBG(t, txn)
	if err := other.Commit(ctx); !IsRetryable(err) {
		t.Fatalf("conflicting commit: %v; want a ConflictError", err)
	}
	waitBG(t, other)
	if got, want := view(t, c, "a", "b", "bb", "c"), "a=1 b=- bb=x c=3"; got != want {
		t.Fatalf("read %s, want %s", got, want)
	}
}

func TestTxnRealServerResolvesLocks(t *testing.T) {
	c := realTxnSetup(t)
	commitKVs(t, c, "b", "old")
	abandon(t, c, 300*time.Millisecond, false, "b", "new", "s", "new")
	abandon(t, c, time.Minute, true, "p", "1", "q", "2")
	if got, want := view(t, c, "b", "s", "q", "p"), "b=old s=- q=2 p=1"; got != want {
		t.Fatalf("read %s, want %s", got, want)
	}
	// Prewrite meets a lock too: an abandoned txn's lock on w is rolled back by the writer.
	abandon(t, c, 100*time.Millisecond, false, "w", "dead")
	commitKVs(t, c, "w", "live")
	if got := view(t, c, "w"); got != "w=live" {
		t.Fatalf("read %s, want w=live", got)
	}
	ctx := ctxT(t)
	abandon(t, c, time.Millisecond, false, "g", "1")
	time.Sleep(5 * time.Millisecond)
	sp, err := c.route.sched.GetTS(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.GC(ctx, sp); err != nil {
		t.Fatal(err)
	}
	if got := view(t, c, "g", "b"); got != "g=- b=old" {
		t.Fatalf("after GC: %s", got)
	}
}

// Concurrent read-modify-write increments against the real commands: none is lost.
func TestTxnRealServerNoLostUpdates(t *testing.T) {
	c := realTxnSetup(t)
	ctx := ctxT(t)
	const workers, each = 6, 5
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if _, err := incrementOnce(ctx, c, []byte("n")); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		var u *UndeterminedError
		if errors.As(err, &u) {
			t.Fatalf("undetermined commit on a healthy server: %v", err)
		}
		t.Fatal(err)
	}
	if got, want := view(t, c, "n"), fmt.Sprintf("n=%d", workers*each); got != want {
		t.Fatalf("%s, want %s", got, want)
	}
}

// realTwoStores starts two real servers on standalone storages, store 1 holding region 1
// [, m) and store 2 region 2 [m, ): each transaction across m is a 2PC between two servers.
func realTwoStores(t *testing.T) *Client {
	t.Helper()
	_, addr1 := standaloneServer(t)
	_, addr2 := standaloneServer(t)
	ts := startScheduler(t)
	ctx := ctxT(t)
	epoch := &metapb.RegionEpoch{ConfVer: 1, Version: 2}
	r1 := &metapb.Region{Id: 1, EndKey: []byte("m"), RegionEpoch: epoch, Peers: []*metapb.Peer{{Id: 11, StoreId: 1}}}
	r2 := &metapb.Region{Id: 2, StartKey: []byte("m"), RegionEpoch: epoch, Peers: []*metapb.Peer{{Id: 22, StoreId: 2}}}
	if err := ts.admin.Bootstrap(ctx, &metapb.Store{Id: 1, Address: addr1}, r1); err != nil {
		t.Fatal(err)
	}
	if err := ts.admin.PutStore(ctx, &metapb.Store{Id: 2, Address: addr2}); err != nil {
		t.Fatal(err)
	}
	for _, r := range []*metapb.Region{r1, r2} {
		if resp := ts.s.HandleRegionHeartbeat(&pb.RegionHeartbeatRequest{Region: r, Leader: r.Peers[0]}); resp.GetHeader().GetError() != nil {
			t.Fatalf("heartbeat for region %d: %v", r.Id, resp.GetHeader().GetError())
		}
	}
	c := regionClient(t, ts)
	if c.Regions() != 2 {
		t.Fatalf("client cached %d regions, want 2", c.Regions())
	}
	return c
}

// Two-phase commit and lock resolution between two real servers.
func TestTxnRealServersTwoRegions(t *testing.T) {
	c := realTwoStores(t)
	ctx := ctxT(t)
	commitKVs(t, c, "a", "1", "z", "2")
	if got := view(t, c, "a", "z"); got != "a=1 z=2" {
		t.Fatalf("read %s, want a=1 z=2", got)
	}
	// Primary a (server 1) committed, secondary z (server 2) left locked: a reader of z asks
	// server 1 and commits z on server 2.
	abandon(t, c, time.Minute, true, "a", "3", "z", "4")
	if got := view(t, c, "z", "a"); got != "z=4 a=3" {
		t.Fatalf("read %s, want z=4 a=3", got)
	}
	// Nothing committed and the TTL runs out: the reader of z rolls the transaction back.
	abandon(t, c, 200*time.Millisecond, false, "a", "5", "z", "6")
	if got := view(t, c, "z", "a"); got != "z=4 a=3" {
		t.Fatalf("read %s, want z=4 a=3", got)
	}
	txn, _ := c.Begin(ctx)
	got, err := txn.Scan(ctx, nil, nil, 10)
	if err != nil || kvString(got) != "[a=3 z=4]" {
		t.Fatalf("Scan across both servers = %s, %v", kvString(got), err)
	}
	// Transfers between the servers keep the sum.
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 5; i++ {
				if err := transfer(ctx, c, "a", "z"); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if got := view(t, c, "a", "z"); got != "a=-17 z=24" {
		t.Fatalf("after 20 transfers of 1: %s, want a=-17 z=24", got)
	}
}

// transfer moves 1 from one key's number to another's, retrying conflicts (at most 200 times).
func transfer(ctx context.Context, c *Client, from, to string) error {
	for try := 0; try < 200; try++ {
		txn, err := c.Begin(ctx)
		if err != nil {
			return err
		}
		kvs, err := txn.BatchGet(ctx, [][]byte{[]byte(from), []byte(to)})
		if err != nil || len(kvs) != 2 {
			return fmt.Errorf("transfer read %v: %v", kvs, err)
		}
		f, _ := strconv.Atoi(string(kvs[0].Value))
		g, _ := strconv.Atoi(string(kvs[1].Value))
		_ = txn.Set([]byte(from), []byte(strconv.Itoa(f-1)))
		_ = txn.Set([]byte(to), []byte(strconv.Itoa(g+1)))
		if err := txn.Commit(ctx); !IsRetryable(err) {
			return err
		}
	}
	return errors.New("transfer: too many conflicts")
}

// locksLeft lists the keys locked on the server.
func locksLeft(t *testing.T, s *commitCounter, c *Client) []string {
	t.Helper()
	ts, err := c.route.sched.GetTS(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Txn().ScanLock(ctxT(t), &kvrpcpb.KvScanLockRequest{MaxVersion: ts, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range r.GetLocks() {
		out = append(out, string(l.GetKey()))
	}
	return out
}

// TestTxnRealServerOnePhaseCommit: a one-region transaction commits without KvCommit, at a
// timestamp above its start, leaving no lock; WithTwoPhaseCommit still commits with
// KvCommit; both detect the write conflict.
func TestTxnRealServerOnePhaseCommit(t *testing.T) {
	c, s := realTxnServer(t)
	ctx := ctxT(t)
	for i, opts := range [][]TxnOption{nil, {WithTwoPhaseCommit()}} {
		s.commits.Store(0)
		a, _ := c.Begin(ctx, opts...)
		b, _ := c.Begin(ctx, opts...)
		for _, txn := range []*Txn{a, b} {
			_ = txn.Set([]byte("k1"), []byte(fmt.Sprint(txn.StartTS())))
			_ = txn.Set([]byte("k2"), []byte(fmt.Sprint(txn.StartTS())))
		}
		if err := b.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		waitBG(t, b)
		if b.CommitTS() <= b.StartTS() {
			t.Fatalf("commit ts %d not above start ts %d", b.CommitTS(), b.StartTS())
		}
		if onePC, n := i == 0, s.commits.Load(); onePC != (n == 0) {
			t.Fatalf("one-phase %v: the commit sent %d KvCommit calls", onePC, n)
		}
		if left := locksLeft(t, s, c); len(left) > 0 {
			t.Fatalf("locks left after commit: %v", left)
		}
		if err := a.Commit(ctx); !IsRetryable(err) {
			t.Fatalf("older conflicting commit: %v; want a ConflictError", err)
		}
		waitBG(t, a)
		want := fmt.Sprintf("k1=%d k2=%d", b.StartTS(), b.StartTS())
		if got := view(t, c, "k1", "k2"); got != want {
			t.Fatalf("read %s, want %s", got, want)
		}
	}
}

// TestTxnRealServerWaitsForYoungPrimary: a reader meeting a secondary lock whose primary is not
// locked yet (prewrites go to every region at once) waits instead of rolling the transaction
// back, so the primary's prewrite still succeeds and the transaction commits.
func TestTxnRealServerWaitsForYoungPrimary(t *testing.T) {
	c, s := realTxnServer(t)
	ctx := ctxT(t)
	start, err := c.route.sched.GetTS(ctx)
	if err != nil {
		t.Fatal(err)
	}
	prewrite := func(key string) *kvrpcpb.KvPrewriteResponse {
		r, err := s.Txn().Prewrite(ctx, &kvrpcpb.KvPrewriteRequest{Mutations: []*kvrpcpb.Mutation{
			{Op: kvrpcpb.Op_Put, Key: []byte(key), Value: []byte("v")}}, PrimaryLock: []byte("p"), StartVersion: start, LockTtl: 10_000})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if r := prewrite("s"); len(r.GetErrors()) > 0 {
		t.Fatal(r.GetErrors())
	}
	read := make(chan string, 1)
	go func() { read <- view(t, c, "s") }()
	for s.checks.Load() == 0 { // the reader met the lock and asked about p
		time.Sleep(time.Millisecond)
	}
	if r := prewrite("p"); len(r.GetErrors()) > 0 {
		t.Fatalf("primary's prewrite after the reader's check: %v; want it to succeed", r.GetErrors())
	}
	commitTS, err := c.route.sched.GetTS(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r, err := s.Txn().Commit(ctx, &kvrpcpb.KvCommitRequest{StartVersion: start, Keys: [][]byte{[]byte("p")}, CommitVersion: commitTS}); err != nil || r.GetError() != nil {
		t.Fatalf("commit of the primary: %v, %v", r, err)
	}
	// The reader started before the commit: it must not see it, but it waited, then committed s.
	if got := <-read; got != "s=-" {
		t.Fatalf("reader got %s, want s=- (its snapshot is older than the commit)", got)
	}
	if got := view(t, c, "p", "s"); got != "p=v s=v" {
		t.Fatalf("after the commit: %s, want p=v s=v", got)
	}
}
