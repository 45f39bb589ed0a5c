package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/proto/errorpb"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/tinykvpb"
	"github.com/gee-project/gee/kv/storage"
	"github.com/gee-project/gee/kv/storage/standalone"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// serve starts s on a 127.0.0.1 listener and returns a client; both stop at cleanup.
func serve(t *testing.T, s *Server, cfg GRPCConfig) tinykvpb.TinyKvClient {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g := NewGRPCServer(s, cfg)
	done := make(chan struct{})
	go func() { defer close(done); _ = g.Serve(lis) }()
	cc, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(64<<20), grpc.MaxCallSendMsgSize(64<<20)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cc.Close()
		g.Stop()
		<-done
	})
	return tinykvpb.NewTinyKvClient(cc)
}

func standaloneServer(t *testing.T, lim Limits, raft RaftHandler) (tinykvpb.TinyKvClient, *Server) {
	t.Helper()
	st, err := standalone.Open(t.TempDir(), engine.Options{CacheSize: 1 << 20, MemTableSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Stop() }) // cleanups run last-in first-out: this one after the server stopped
	s := New(st, raft, lim, t.Logf)
	return serve(t, s, GRPCConfig{}), s
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func put(t *testing.T, c tinykvpb.TinyKvClient, cf, k, v string) {
	t.Helper()
	resp, err := c.RawPut(ctxT(t), &kvrpcpb.RawPutRequest{Cf: cf, Key: []byte(k), Value: []byte(v)})
	if err != nil || resp.Error != "" || resp.RegionError != nil {
		t.Fatalf("RawPut(%s, %s): %v %v %v", cf, k, err, resp.GetError(), resp.GetRegionError())
	}
}

func scanKVs(t *testing.T, c tinykvpb.TinyKvClient, req *kvrpcpb.RawScanRequest) string {
	t.Helper()
	resp, err := c.RawScan(ctxT(t), req)
	if err != nil || resp.Error != "" {
		t.Fatalf("RawScan: %v %q", err, resp.GetError())
	}
	var out []string
	for _, kv := range resp.Kvs {
		out = append(out, fmt.Sprintf("%s=%s", kv.Key, kv.Value))
	}
	return fmt.Sprint(out)
}

func TestRawAPIEndToEnd(t *testing.T) {
	c, _ := standaloneServer(t, Limits{}, nil)
	ctx := ctxT(t)

	put(t, c, "", "k", "v")
	g, err := c.RawGet(ctx, &kvrpcpb.RawGetRequest{Key: []byte("k")})
	if err != nil || g.Error != "" || g.NotFound || string(g.Value) != "v" {
		t.Fatalf("RawGet(k) = %v, %v", g, err)
	}
	g, err = c.RawGet(ctx, &kvrpcpb.RawGetRequest{Key: []byte("missing")})
	if err != nil || g.Error != "" || !g.NotFound {
		t.Fatalf("RawGet(missing) = %v, %v; want not_found and no error", g, err)
	}

	d, err := c.RawDelete(ctx, &kvrpcpb.RawDeleteRequest{Key: []byte("k")})
	if err != nil || d.Error != "" {
		t.Fatalf("RawDelete: %v %v", d, err)
	}
	if g, _ = c.RawGet(ctx, &kvrpcpb.RawGetRequest{Key: []byte("k")}); !g.NotFound {
		t.Fatalf("after delete RawGet(k) = %v", g)
	}

	for _, k := range []string{"c", "a", "e", "b", "d"} {
		put(t, c, engine.CFDefault, k, "v"+k)
	}
	if got := scanKVs(t, c, &kvrpcpb.RawScanRequest{StartKey: []byte("b"), Limit: 3}); got != "[b=vb c=vc d=vd]" {
		t.Fatalf("scan(b, 3) = %s", got)
	}
	put(t, c, "", "bb", "new")
	c.RawDelete(ctx, &kvrpcpb.RawDeleteRequest{Key: []byte("c")})
	if got := scanKVs(t, c, &kvrpcpb.RawScanRequest{StartKey: []byte("b"), Limit: 3}); got != "[b=vb bb=new d=vd]" {
		t.Fatalf("scan after put bb, delete c = %s", got)
	}
	if got := scanKVs(t, c, &kvrpcpb.RawScanRequest{StartKey: []byte("b"), EndKey: []byte("d"), Limit: 10}); got != "[b=vb bb=new]" {
		t.Fatalf("scan [b, d) = %s", got)
	}

	// Column families are separate key spaces.
	put(t, c, engine.CFLock, "a", "lock")
	if got := scanKVs(t, c, &kvrpcpb.RawScanRequest{Cf: engine.CFLock, Limit: 10}); got != "[a=lock]" {
		t.Fatalf("scan of lock = %s", got)
	}
	if g, _ = c.RawGet(ctx, &kvrpcpb.RawGetRequest{Cf: engine.CFWrite, Key: []byte("a")}); !g.NotFound {
		t.Fatalf("write CF sees a key put in lock: %v", g)
	}
	if g, _ = c.RawGet(ctx, &kvrpcpb.RawGetRequest{Key: []byte("a")}); string(g.Value) != "va" {
		t.Fatalf("default CF's a = %q after a put in lock", g.Value)
	}
}

func TestRawBatch(t *testing.T) {
	c, _ := standaloneServer(t, Limits{}, nil)
	ctx := ctxT(t)
	bp, err := c.RawBatchPut(ctx, &kvrpcpb.RawBatchPutRequest{Cf: engine.CFWrite, Pairs: []*kvrpcpb.KvPair{
		{Key: []byte("x"), Value: []byte("1")}, {Key: []byte("y"), Value: []byte("2")}}})
	if err != nil || bp.Error != "" {
		t.Fatalf("RawBatchPut: %v %v", bp, err)
	}
	bg, err := c.RawBatchGet(ctx, &kvrpcpb.RawBatchGetRequest{Cf: engine.CFWrite, Keys: [][]byte{[]byte("y"), []byte("nope"), []byte("x")}})
	if err != nil || bg.Error != "" {
		t.Fatalf("RawBatchGet: %v %v", bg, err)
	}
	var got []string
	for _, p := range bg.Pairs {
		got = append(got, fmt.Sprintf("%s=%s", p.Key, p.Value))
	}
	if fmt.Sprint(got) != "[y=2 x=1]" {
		t.Fatalf("RawBatchGet = %v, want [y=2 x=1] (request order, absent keys left out)", got)
	}
}

func TestValidation(t *testing.T) {
	lim := Limits{MaxKeySize: 16, MaxValueSize: 32, MaxScanLimit: 5, MaxBatchKeys: 3, MaxBatchBytes: 40}
	c, _ := standaloneServer(t, lim, nil)
	ctx := ctxT(t)
	long := []byte(strings.Repeat("k", 17))
	pairs := func(n, vsize int) []*kvrpcpb.KvPair {
		var ps []*kvrpcpb.KvPair
		for i := range n {
			ps = append(ps, &kvrpcpb.KvPair{Key: []byte{'k', byte('0' + i)}, Value: make([]byte, vsize)})
		}
		return ps
	}
	errOf := func(resp interface{ GetError() string }, err error) string {
		if err != nil {
			t.Fatalf("transport error: %v", err)
		}
		return resp.GetError()
	}
	cases := []struct {
		name, got, want string
	}{
		{"unknown cf", errOf(c.RawGet(ctx, &kvrpcpb.RawGetRequest{Cf: "nope", Key: []byte("k")})), `cf: unknown column family "nope"`},
		{"empty key get", errOf(c.RawGet(ctx, &kvrpcpb.RawGetRequest{})), "key: empty key"},
		{"empty key put", errOf(c.RawPut(ctx, &kvrpcpb.RawPutRequest{Value: []byte("v")})), "key: empty key"},
		{"empty key delete", errOf(c.RawDelete(ctx, &kvrpcpb.RawDeleteRequest{})), "key: empty key"},
		{"long key", errOf(c.RawPut(ctx, &kvrpcpb.RawPutRequest{Key: long})), "key: key of 17 bytes exceeds the limit of 16"},
		{"big value", errOf(c.RawPut(ctx, &kvrpcpb.RawPutRequest{Key: []byte("k"), Value: make([]byte, 33)})), "value: value of 33 bytes exceeds"},
		{"scan limit 0", errOf(c.RawScan(ctx, &kvrpcpb.RawScanRequest{})), "limit: must be at least 1"},
		{"scan limit too big", errOf(c.RawScan(ctx, &kvrpcpb.RawScanRequest{Limit: 6})), "limit: 6 exceeds the maximum of 5"},
		{"scan long start", errOf(c.RawScan(ctx, &kvrpcpb.RawScanRequest{StartKey: long, Limit: 1})), "start_key: key of 17 bytes"},
		{"batch get too many", errOf(c.RawBatchGet(ctx, &kvrpcpb.RawBatchGetRequest{Keys: [][]byte{{1}, {2}, {3}, {4}}})), "keys: 4 keys exceed the limit of 3"},
		{"batch get empty key", errOf(c.RawBatchGet(ctx, &kvrpcpb.RawBatchGetRequest{Keys: [][]byte{{1}, {}}})), "keys[1]: empty key"},
		{"batch put too many", errOf(c.RawBatchPut(ctx, &kvrpcpb.RawBatchPutRequest{Pairs: pairs(4, 1)})), "pairs: 4 pairs exceed the limit of 3"},
		{"batch put too big", errOf(c.RawBatchPut(ctx, &kvrpcpb.RawBatchPutRequest{Pairs: pairs(2, 20)})), "pairs: 44 bytes of keys and values exceed the limit of 40"},
		{"batch put big value", errOf(c.RawBatchPut(ctx, &kvrpcpb.RawBatchPutRequest{Pairs: pairs(1, 33)})), "pairs[0].value: value of 33 bytes"},
		{"batch put bad cf", errOf(c.RawBatchPut(ctx, &kvrpcpb.RawBatchPutRequest{Cf: "x", Pairs: pairs(1, 1)})), "cf: unknown column family"},
	}
	for _, tc := range cases {
		if !strings.Contains(tc.got, tc.want) {
			t.Errorf("%s: error %q, want it to contain %q", tc.name, tc.got, tc.want)
		}
	}
	// Nothing a rejected request carried was written.
	if g, _ := c.RawGet(ctx, &kvrpcpb.RawGetRequest{Key: []byte("k0")}); !g.NotFound {
		t.Fatalf("a rejected batch put wrote k0: %v", g)
	}
}

func TestScanStopsAtByteLimit(t *testing.T) {
	c, _ := standaloneServer(t, Limits{MaxScanBytes: 10}, nil)
	for _, k := range []string{"a", "b", "c", "d"} {
		put(t, c, "", k, "12345") // 6 bytes per pair
	}
	if got := scanKVs(t, c, &kvrpcpb.RawScanRequest{Limit: 10}); got != "[a=12345 b=12345]" {
		t.Fatalf("scan with a 10-byte response limit = %s, want two pairs", got)
	}
}

// fakeStorage fails every call with err.
type fakeStorage struct{ err error }

func (f fakeStorage) Start() error { return nil }
func (f fakeStorage) Stop() error  { return nil }
func (f fakeStorage) Write(context.Context, *kvrpcpb.Context, []storage.Modify) error {
	return f.err
}
func (f fakeStorage) Reader(context.Context, *kvrpcpb.Context) (storage.Reader, error) {
	return nil, f.err
}

func TestErrorMapping(t *testing.T) {
	notLeader := &errorpb.Error{Message: "not leader", NotLeader: &errorpb.NotLeader{
		RegionId: 1, Leader: &metapb.Peer{Id: 2, StoreId: 2}, LeaderAddress: "127.0.0.1:2"}}
	c := serve(t, New(fakeStorage{fmt.Errorf("wrapped: %w", &storage.RegionError{Err: notLeader})}, nil, Limits{}, nil), GRPCConfig{})
	ctx := ctxT(t)
	p, err := c.RawPut(ctx, &kvrpcpb.RawPutRequest{Key: []byte("k")})
	if err != nil || p.Error != "" || p.GetRegionError().GetNotLeader().GetLeaderAddress() != "127.0.0.1:2" {
		t.Fatalf("RawPut with a NotLeader storage = %v, %v", p, err)
	}
	s, err := c.RawScan(ctx, &kvrpcpb.RawScanRequest{Limit: 1})
	if err != nil || s.GetRegionError().GetNotLeader() == nil {
		t.Fatalf("RawScan with a NotLeader storage = %v, %v", s, err)
	}

	c = serve(t, New(fakeStorage{errors.New("disk on fire")}, nil, Limits{}, nil), GRPCConfig{})
	g, err := c.RawGet(ctx, &kvrpcpb.RawGetRequest{Key: []byte("k")})
	if err != nil || g.RegionError != nil || g.Error != "disk on fire" {
		t.Fatalf("RawGet with a failing storage = %v, %v", g, err)
	}
	b, err := c.RawBatchPut(ctx, &kvrpcpb.RawBatchPutRequest{Pairs: []*kvrpcpb.KvPair{{Key: []byte("k")}}})
	if err != nil || b.Error != "disk on fire" {
		t.Fatalf("RawBatchPut with a failing storage = %v, %v", b, err)
	}
}
