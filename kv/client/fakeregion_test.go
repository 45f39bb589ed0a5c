package client

import (
	"bytes"
	"context"
	"net"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/proto/errorpb"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/proto/metapb"
	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
	"github.com/gee-project/gee/kv/proto/tinykvpb"
	"github.com/gee-project/gee/kv/schedclient"
	"github.com/gee-project/gee/kv/scheduler"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
)

// fakeCluster is the truth that fake stores share: regions, their leaders, the data, and
// injected failures. Stores check each request's context against it as a TinyKV store
// checks against its own regions.
type fakeCluster struct {
	t      *testing.T
	stores map[uint64]*fakeStore

	mu      sync.Mutex
	regions map[uint64]*metapb.Region
	leader  map[uint64]uint64 // region id -> leader's store id
	data    map[string][]byte // cf + "/" + key
	busy    map[uint64]int    // store id -> ServerIsBusy answers left (-1: forever)
	notIn   map[uint64]int    // store id -> KeyNotInRegion answers left
	calls   []fakeCall
}

// fakeCall is one request a store received.
type fakeCall struct {
	store, region uint64
	method        string
}

// fakeStore serves the raw API of one store of a fakeCluster on 127.0.0.1.
type fakeStore struct {
	tinykvpb.UnimplementedTinyKvServer
	id   uint64
	c    *fakeCluster
	addr string
	g    *grpc.Server
}

// newFakeCluster starts stores 1..n; every region has a peer on every store (peer id =
// region id*10 + store id), led by store 1.
func newFakeCluster(t *testing.T, n int) *fakeCluster {
	c := &fakeCluster{t: t, stores: map[uint64]*fakeStore{}, regions: map[uint64]*metapb.Region{},
		leader: map[uint64]uint64{}, data: map[string][]byte{}, busy: map[uint64]int{}, notIn: map[uint64]int{}}
	for id := uint64(1); id <= uint64(n); id++ {
		s := &fakeStore{id: id, c: c}
		lis, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		s.addr, s.g = lis.Addr().String(), grpc.NewServer()
		tinykvpb.RegisterTinyKvServer(s.g, s)
		done := make(chan struct{})
		go func() { defer close(done); _ = s.g.Serve(lis) }()
		t.Cleanup(func() { s.g.Stop(); <-done })
		c.stores[id] = s
	}
	return c
}

func (c *fakeCluster) peer(region, store uint64) *metapb.Peer {
	return &metapb.Peer{Id: region*10 + store, StoreId: store}
}

// addRegion creates a region at version 1 on every store.
func (c *fakeCluster) addRegion(id uint64, start, end string) *metapb.Region {
	r := &metapb.Region{Id: id, StartKey: []byte(start), EndKey: []byte(end),
		RegionEpoch: &metapb.RegionEpoch{ConfVer: 1, Version: 1}}
	for s := uint64(1); s <= uint64(len(c.stores)); s++ {
		r.Peers = append(r.Peers, c.peer(id, s))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.regions[id], c.leader[id] = r, 1
	return proto.Clone(r).(*metapb.Region)
}

// split cuts region id at key: it keeps [start, key) and region newID gets [key, end); both
// get the parent's version + 1, as a TinyKV split does.
func (c *fakeCluster) split(id, newID uint64, key string) (left, right *metapb.Region) {
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.regions[id]
	l := proto.Clone(old).(*metapb.Region)
	l.EndKey = []byte(key)
	l.RegionEpoch.Version++
	r := proto.Clone(l).(*metapb.Region)
	r.Id, r.StartKey, r.EndKey = newID, []byte(key), old.EndKey
	r.Peers = nil
	for _, p := range old.Peers {
		r.Peers = append(r.Peers, c.peer(newID, p.StoreId))
	}
	c.regions[id], c.regions[newID], c.leader[newID] = l, r, c.leader[id]
	return proto.Clone(l).(*metapb.Region), proto.Clone(r).(*metapb.Region)
}

func (c *fakeCluster) setLeader(region, store uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.leader[region] = store
}

func (c *fakeCluster) setBusy(store uint64, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.busy[store] = n
}

func (c *fakeCluster) setKeyNotInRegion(store uint64, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.notIn[store] = n
}

// takeCalls returns and clears the call log.
func (c *fakeCluster) takeCalls() []fakeCall {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.calls
	c.calls = nil
	return out
}

// check answers a request's context as a store would; nil means serve it. Caller holds mu.
func (s *fakeStore) check(method string, kctx *kvrpcpb.Context, keys ...[]byte) *errorpb.Error {
	c := s.c
	c.calls = append(c.calls, fakeCall{store: s.id, region: kctx.GetRegionId(), method: method})
	if n := c.busy[s.id]; n != 0 {
		c.busy[s.id] = max(n-1, -1)
		return &errorpb.Error{Message: "busy", ServerIsBusy: &errorpb.ServerIsBusy{Reason: "test"}}
	}
	if kctx.GetPeer().GetStoreId() != s.id {
		return &errorpb.Error{Message: "store not match", StoreNotMatch: &errorpb.StoreNotMatch{
			RequestStoreId: kctx.GetPeer().GetStoreId(), ActualStoreId: s.id}}
	}
	r := c.regions[kctx.GetRegionId()]
	if r == nil {
		return &errorpb.Error{Message: "region not found", RegionNotFound: &errorpb.RegionNotFound{RegionId: kctx.GetRegionId()}}
	}
	if l := c.leader[r.Id]; l != s.id {
		return &errorpb.Error{Message: "not leader", NotLeader: &errorpb.NotLeader{RegionId: r.Id, Leader: c.peer(r.Id, l)}}
	}
	if e := kctx.GetRegionEpoch(); e.GetVersion() != r.RegionEpoch.Version || e.GetConfVer() != r.RegionEpoch.ConfVer {
		var cur []*metapb.Region
		for _, x := range c.regions {
			cur = append(cur, proto.Clone(x).(*metapb.Region))
		}
		return &errorpb.Error{Message: "epoch not match", EpochNotMatch: &errorpb.EpochNotMatch{CurrentRegions: cur}}
	}
	for _, k := range keys {
		if n := c.notIn[s.id]; n > 0 || !inRegion(r, k) {
			c.notIn[s.id] = max(n-1, 0)
			return &errorpb.Error{Message: "key not in region", KeyNotInRegion: &errorpb.KeyNotInRegion{
				Key: k, RegionId: r.Id, StartKey: r.StartKey, EndKey: r.EndKey}}
		}
	}
	return nil
}

func inRegion(r *metapb.Region, k []byte) bool {
	return bytes.Compare(k, r.StartKey) >= 0 && (len(r.EndKey) == 0 || bytes.Compare(k, r.EndKey) < 0)
}

func (s *fakeStore) RawGet(_ context.Context, req *kvrpcpb.RawGetRequest) (*kvrpcpb.RawGetResponse, error) {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	if e := s.check("get", req.Context, req.Key); e != nil {
		return &kvrpcpb.RawGetResponse{RegionError: e}, nil
	}
	v, ok := s.c.data[req.Cf+"/"+string(req.Key)]
	return &kvrpcpb.RawGetResponse{Value: v, NotFound: !ok}, nil
}

func (s *fakeStore) RawPut(_ context.Context, req *kvrpcpb.RawPutRequest) (*kvrpcpb.RawPutResponse, error) {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	if e := s.check("put", req.Context, req.Key); e != nil {
		return &kvrpcpb.RawPutResponse{RegionError: e}, nil
	}
	s.c.data[req.Cf+"/"+string(req.Key)] = req.Value
	return &kvrpcpb.RawPutResponse{}, nil
}

func (s *fakeStore) RawDelete(_ context.Context, req *kvrpcpb.RawDeleteRequest) (*kvrpcpb.RawDeleteResponse, error) {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	if e := s.check("delete", req.Context, req.Key); e != nil {
		return &kvrpcpb.RawDeleteResponse{RegionError: e}, nil
	}
	delete(s.c.data, req.Cf+"/"+string(req.Key))
	return &kvrpcpb.RawDeleteResponse{}, nil
}

// RawScan serves [start, end) clipped to the region, as a multi-region store does.
func (s *fakeStore) RawScan(_ context.Context, req *kvrpcpb.RawScanRequest) (*kvrpcpb.RawScanResponse, error) {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	if e := s.check("scan", req.Context, req.StartKey); e != nil {
		return &kvrpcpb.RawScanResponse{RegionError: e}, nil
	}
	r := s.c.regions[req.Context.RegionId]
	var keys []string
	for k := range s.c.data {
		if key, ok := bytes.CutPrefix([]byte(k), []byte(req.Cf+"/")); ok && bytes.Compare(key, req.StartKey) >= 0 &&
			(len(req.EndKey) == 0 || bytes.Compare(key, req.EndKey) < 0) && inRegion(r, key) {
			keys = append(keys, string(key))
		}
	}
	sort.Strings(keys)
	resp := &kvrpcpb.RawScanResponse{}
	for _, k := range keys[:min(len(keys), int(req.Limit))] {
		resp.Kvs = append(resp.Kvs, &kvrpcpb.KvPair{Key: []byte(k), Value: s.c.data[req.Cf+"/"+k]})
	}
	return resp, nil
}

func (s *fakeStore) RawBatchGet(_ context.Context, req *kvrpcpb.RawBatchGetRequest) (*kvrpcpb.RawBatchGetResponse, error) {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	if e := s.check("batchget", req.Context, req.Keys...); e != nil {
		return &kvrpcpb.RawBatchGetResponse{RegionError: e}, nil
	}
	resp := &kvrpcpb.RawBatchGetResponse{}
	for _, k := range req.Keys {
		if v, ok := s.c.data[req.Cf+"/"+string(k)]; ok {
			resp.Pairs = append(resp.Pairs, &kvrpcpb.KvPair{Key: k, Value: v})
		}
	}
	return resp, nil
}

func (s *fakeStore) RawBatchPut(_ context.Context, req *kvrpcpb.RawBatchPutRequest) (*kvrpcpb.RawBatchPutResponse, error) {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	keys := make([][]byte, len(req.Pairs))
	for i, p := range req.Pairs {
		keys[i] = p.Key
	}
	if e := s.check("batchput", req.Context, keys...); e != nil {
		return &kvrpcpb.RawBatchPutResponse{RegionError: e}, nil
	}
	for _, p := range req.Pairs {
		s.c.data[req.Cf+"/"+string(p.Key)] = p.Value
	}
	return &kvrpcpb.RawBatchPutResponse{}, nil
}

// testScheduler is a real kv/scheduler on 127.0.0.1 plus an admin client.
type testScheduler struct {
	s     *scheduler.Server
	addr  string
	admin *schedclient.Client
	stop  func() // idempotent; also run at cleanup
}

func startScheduler(t testing.TB) *testScheduler {
	t.Helper()
	s, err := scheduler.Open(scheduler.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g := scheduler.NewGRPCServer(s, scheduler.GRPCConfig{})
	done := make(chan struct{})
	go func() { defer close(done); _ = g.Serve(lis) }()
	ts := &testScheduler{s: s, addr: lis.Addr().String()}
	var once sync.Once
	ts.stop = func() {
		once.Do(func() {
			s.StopStreams()
			g.GracefulStop()
			<-done
			if err := s.Close(); err != nil {
				t.Error(err)
			}
		})
	}
	t.Cleanup(ts.stop)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if ts.admin, err = schedclient.New(ctx, []string{ts.addr}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ts.admin.Close)
	return ts
}

// register bootstraps the scheduler with the fake cluster's stores and first region.
func (ts *testScheduler) register(t *testing.T, c *fakeCluster, first *metapb.Region) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st := func(id uint64) *metapb.Store { return &metapb.Store{Id: id, Address: c.stores[id].addr} }
	if err := ts.admin.Bootstrap(ctx, st(1), first); err != nil {
		t.Fatal(err)
	}
	for id := uint64(2); id <= uint64(len(c.stores)); id++ {
		if err := ts.admin.PutStore(ctx, st(id)); err != nil {
			t.Fatal(err)
		}
	}
}

// report tells the scheduler about a region as its leader's heartbeat would.
func (ts *testScheduler) report(t *testing.T, c *fakeCluster, r *metapb.Region) {
	t.Helper()
	c.mu.Lock()
	leader := c.peer(r.Id, c.leader[r.Id])
	c.mu.Unlock()
	if resp := ts.s.HandleRegionHeartbeat(&pb.RegionHeartbeatRequest{Region: r, Leader: leader}); resp.GetHeader().GetError() != nil {
		t.Fatalf("heartbeat for region %d: %v", r.Id, resp.GetHeader().GetError())
	}
}

// mergeRight folds region right into left (its right neighbour): left grows, both
// versions are exceeded, right is gone.
func (c *fakeCluster) mergeRight(left, right uint64) *metapb.Region {
	c.mu.Lock()
	defer c.mu.Unlock()
	l, r := proto.Clone(c.regions[left]).(*metapb.Region), c.regions[right]
	l.EndKey = r.EndKey
	l.RegionEpoch.Version = max(l.RegionEpoch.Version, r.RegionEpoch.Version) + 1
	c.regions[left] = l
	delete(c.regions, right)
	delete(c.leader, right)
	return proto.Clone(l).(*metapb.Region)
}
