package shell

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/gee-project/gee/kv/client"
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/schedulerpb"
	"github.com/gee-project/gee/kv/schedclient"
)

// fakeKV is an in-memory raw key space whose transactions buffer writes and apply them on
// commit (to a separate transactional map, as the real key spaces are separate). err, when
// set, fails every call; a call on a cancelled context fails with its error.
type fakeKV struct {
	raw, txn map[string]string
	nextTS   uint64
	err      error
	ctxs     []context.Context // every context a call got
}

func newFakeKV() *fakeKV {
	return &fakeKV{raw: map[string]string{}, txn: map[string]string{}, nextTS: 100}
}

func (f *fakeKV) check(ctx context.Context) error {
	f.ctxs = append(f.ctxs, ctx)
	if err := ctx.Err(); err != nil {
		return err
	}
	return f.err
}

func (f *fakeKV) Get(ctx context.Context, key []byte, _ ...client.CallOption) ([]byte, error) {
	if err := f.check(ctx); err != nil {
		return nil, err
	}
	v, ok := f.raw[string(key)]
	if !ok {
		return nil, client.ErrNotFound
	}
	return []byte(v), nil
}

func (f *fakeKV) Put(ctx context.Context, key, value []byte, _ ...client.CallOption) error {
	if err := f.check(ctx); err != nil {
		return err
	}
	f.raw[string(key)] = string(value)
	return nil
}

func (f *fakeKV) Delete(ctx context.Context, key []byte, _ ...client.CallOption) error {
	if err := f.check(ctx); err != nil {
		return err
	}
	delete(f.raw, string(key))
	return nil
}

func (f *fakeKV) Scan(ctx context.Context, start, end []byte, limit int, _ ...client.CallOption) ([]client.KV, error) {
	if err := f.check(ctx); err != nil {
		return nil, err
	}
	return scanMap(f.raw, start, end, limit), nil
}

// scanMap is Scan over m.
func scanMap(m map[string]string, start, end []byte, limit int) []client.KV {
	var keys []string
	for k := range m {
		if k >= string(start) && (len(end) == 0 || k < string(end)) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var out []client.KV
	for _, k := range keys[:min(len(keys), limit)] {
		out = append(out, client.KV{Key: []byte(k), Value: []byte(m[k])})
	}
	return out
}

func (f *fakeKV) Begin(context.Context, ...client.TxnOption) (*client.Txn, error) {
	return nil, errors.New("fakeKV: use BeginTxn")
}

func (f *fakeKV) BeginTxn(ctx context.Context) (Txn, error) {
	if err := f.check(ctx); err != nil {
		return nil, err
	}
	f.nextTS++
	return &fakeTxn{kv: f, start: f.nextTS, writes: map[string]*string{}}, nil
}

// fakeTxn buffers writes (nil: delete) over fakeKV.txn.
type fakeTxn struct {
	kv            *fakeKV
	start, commit uint64
	writes        map[string]*string
	done          bool
	commitErr     error
}

func (t *fakeTxn) view() map[string]string {
	m := map[string]string{}
	for k, v := range t.kv.txn {
		m[k] = v
	}
	for k, v := range t.writes {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = *v
		}
	}
	return m
}

func (t *fakeTxn) Get(ctx context.Context, key []byte) ([]byte, error) {
	if err := t.kv.check(ctx); err != nil {
		return nil, err
	}
	v, ok := t.view()[string(key)]
	if !ok {
		return nil, client.ErrNotFound
	}
	return []byte(v), nil
}

func (t *fakeTxn) Set(key, value []byte) error {
	if t.done {
		return client.ErrTxnDone
	}
	v := string(value)
	t.writes[string(key)] = &v
	return nil
}

func (t *fakeTxn) Delete(key []byte) error {
	if t.done {
		return client.ErrTxnDone
	}
	t.writes[string(key)] = nil
	return nil
}

func (t *fakeTxn) Scan(ctx context.Context, start, end []byte, limit int) ([]client.KV, error) {
	if err := t.kv.check(ctx); err != nil {
		return nil, err
	}
	return scanMap(t.view(), start, end, limit), nil
}

func (t *fakeTxn) Commit(ctx context.Context) error {
	if err := t.kv.check(ctx); err != nil {
		return err
	}
	t.done = true
	if t.commitErr != nil {
		return t.commitErr
	}
	t.kv.txn = t.view()
	t.kv.nextTS++
	t.commit = t.kv.nextTS
	return nil
}

func (t *fakeTxn) Rollback(context.Context) error { t.done = true; return nil }
func (t *fakeTxn) StartTS() uint64                { return t.start }
func (t *fakeTxn) CommitTS() uint64               { return t.commit }

// fakeAdmin is a scheduler with fixed stores and regions; operators it is asked for are
// recorded and listed.
type fakeAdmin struct {
	stores  []*metapb.Store
	regions []*schedclient.Region // in key order
	ops     []*schedulerpb.OperatorInfo
	err     error
	splits  [][]byte
}

// newFakeAdmin has stores 1-3 and regions 2 ["", "m") and 6 ["m", ""), led by store 1.
func newFakeAdmin() *fakeAdmin {
	peers := func(first uint64) []*metapb.Peer {
		return []*metapb.Peer{{Id: first, StoreId: 1}, {Id: first + 1, StoreId: 2}, {Id: first + 2, StoreId: 3}}
	}
	a := &fakeAdmin{}
	for i := uint64(1); i <= 3; i++ {
		a.stores = append(a.stores, &metapb.Store{Id: i, Address: fmt.Sprintf("127.0.0.1:%d", 20160+i)})
	}
	r2 := &metapb.Region{Id: 2, EndKey: []byte("m"), RegionEpoch: &metapb.RegionEpoch{ConfVer: 3, Version: 2}, Peers: peers(3)}
	r6 := &metapb.Region{Id: 6, StartKey: []byte("m"), RegionEpoch: &metapb.RegionEpoch{ConfVer: 3, Version: 2}, Peers: peers(7)}
	a.regions = []*schedclient.Region{{Meta: r2, Leader: r2.Peers[0]}, {Meta: r6, Leader: r6.Peers[0]}}
	return a
}

func (a *fakeAdmin) GetAllStores(ctx context.Context, _ bool) ([]*metapb.Store, error) {
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return a.stores, a.err
}

func (a *fakeAdmin) StoreStatus(_ context.Context, id uint64) (*schedulerpb.GetStoreResponse, error) {
	for _, s := range a.stores {
		if s.Id == id {
			health := "up"
			if id == 3 {
				health = "down"
			}
			return &schedulerpb.GetStoreResponse{Store: s, Health: health,
				Stats: &schedulerpb.StoreStats{StoreId: id, Capacity: 1000, Available: 600 + id}}, nil
		}
	}
	return nil, errors.New("no such store")
}

func (a *fakeAdmin) GetRegionByID(_ context.Context, id uint64) (*schedclient.Region, error) {
	for _, r := range a.regions {
		if r.Meta.Id == id {
			return r, a.err
		}
	}
	return nil, schedclient.ErrRegionNotFound
}

// ScanRegions answers at most one region per call, so callers must page.
func (a *fakeAdmin) ScanRegions(_ context.Context, start, _ []byte, limit int) ([]*schedclient.Region, error) {
	if a.err != nil {
		return nil, a.err
	}
	for _, r := range a.regions {
		if e := r.Meta.EndKey; len(e) == 0 || bytes.Compare(start, e) < 0 {
			return []*schedclient.Region{r}[:min(1, limit)], nil
		}
	}
	return nil, nil
}

func (a *fakeAdmin) SplitRegions(_ context.Context, keys [][]byte) ([]uint64, error) {
	if a.err != nil {
		return nil, a.err
	}
	a.splits = append(a.splits, keys...)
	ids := make([]uint64, len(keys))
	for i := range keys {
		ids[i] = uint64(100 + i)
	}
	return ids, nil
}

func (a *fakeAdmin) addOp(kind string, region, store uint64) (*schedulerpb.OperatorInfo, error) {
	if a.err != nil {
		return nil, a.err
	}
	op := &schedulerpb.OperatorInfo{RegionId: region, Kind: kind, Status: "running", Source: "admin",
		StartUnixMs: 1700000000000, Desc: fmt.Sprintf("%s to store %d", kind, store)}
	a.ops = append([]*schedulerpb.OperatorInfo{op}, a.ops...)
	return op, nil
}

func (a *fakeAdmin) TransferLeader(_ context.Context, region, store uint64) (*schedulerpb.OperatorInfo, error) {
	return a.addOp("transfer-leader", region, store)
}

func (a *fakeAdmin) AddPeer(_ context.Context, region, store uint64) (*schedulerpb.OperatorInfo, error) {
	return a.addOp("add-peer", region, store)
}

func (a *fakeAdmin) RemovePeer(_ context.Context, region, store uint64) (*schedulerpb.OperatorInfo, error) {
	return a.addOp("remove-peer", region, store)
}

func (a *fakeAdmin) Operators(_ context.Context, limit int) ([]*schedulerpb.OperatorInfo, error) {
	return a.ops[:min(limit, len(a.ops))], a.err
}

// fakeNodes records kills and restarts.
type fakeNodes struct{ log []string }

func (n *fakeNodes) Kill(id uint64) error { n.log = append(n.log, fmt.Sprint("kill ", id)); return nil }
func (n *fakeNodes) Restart(id uint64) error {
	if id == 9 {
		return errors.New("store 9 is not in the playground")
	}
	n.log = append(n.log, fmt.Sprint("restart ", id))
	return nil
}

// fixture is a Shell over fakes with its output.
type fixture struct {
	sh    *Shell
	kv    *fakeKV
	admin *fakeAdmin
	nodes *fakeNodes
	out   *bytes.Buffer
}

func newFixture(json bool) *fixture {
	f := &fixture{kv: newFakeKV(), admin: newFakeAdmin(), nodes: &fakeNodes{}, out: &bytes.Buffer{}}
	f.sh = New(Config{KV: f.kv, Admin: f.admin, Nodes: f.nodes, JSON: json, Out: f.out})
	return f
}

// run executes line and returns what it printed.
func (f *fixture) run(line string) (string, error) {
	f.out.Reset()
	err := f.sh.Exec(context.Background(), line)
	return f.out.String(), err
}

// lines trims s into its lines with runs of spaces collapsed, for comparing tables.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		out = append(out, strings.Join(strings.Fields(l), " "))
	}
	return out
}
