package client

import (
	"bytes"
	"context"
	"sort"
	"sync"

	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// fakeMVCC is a small in-memory model of the Percolator commands, shared by a fakeCluster's
// stores (under the cluster's mu), so transactions can be tested over fake regions,
// splits and injected failures. The real commands are tested in kv/txn.
type fakeMVCC struct {
	locks  map[string]*fakeLock
	writes map[string][]fakeWrite // newest commit first
	values map[string][]byte      // key + "@" + start ts
	// commitErr, when set, answers every KvCommit of that key with a gRPC error.
	commitErr map[string]codes.Code
	maxBatch  int // most keys in one prewrite, commit or batch get
	// beforePrewrite, when set, runs at the start of every KvPrewrite, outside the lock.
	beforePrewrite func()
}

func (m *fakeMVCC) batch(n int) { m.maxBatch = max(m.maxBatch, n) }

type fakeLock struct {
	info *kvrpcpb.LockInfo
}

type fakeWrite struct {
	startTS, commitTS uint64
	op                kvrpcpb.Op
}

var fakeTxns sync.Map // *fakeCluster -> *fakeMVCC

func (c *fakeCluster) mvcc() *fakeMVCC {
	m, _ := fakeTxns.LoadOrStore(c, &fakeMVCC{locks: map[string]*fakeLock{}, writes: map[string][]fakeWrite{},
		values: map[string][]byte{}, commitErr: map[string]codes.Code{}})
	return m.(*fakeMVCC)
}

func valueKey(key string, ts uint64) string { return key + "@" + string(rune(0)) + string(u64(ts)) }

func u64(v uint64) []byte {
	b := make([]byte, 8)
	for i := range b {
		b[i] = byte(v >> (56 - 8*i))
	}
	return b
}

// read returns key's value at ts, or a Locked error.
func (m *fakeMVCC) read(key string, ts uint64) ([]byte, bool, *kvrpcpb.KeyError) {
	if l := m.locks[key]; l != nil && l.info.LockVersion <= ts && l.info.LockType != kvrpcpb.Op_Lock {
		return nil, false, &kvrpcpb.KeyError{Locked: l.info}
	}
	for _, w := range m.writes[key] {
		if w.commitTS > ts {
			continue
		}
		switch w.op {
		case kvrpcpb.Op_Put:
			return m.values[valueKey(key, w.startTS)], true, nil
		case kvrpcpb.Op_Del:
			return nil, false, nil
		}
	}
	return nil, false, nil
}

// record returns key's write of transaction startTS, if any.
func (m *fakeMVCC) record(key string, startTS uint64) (fakeWrite, bool) {
	for _, w := range m.writes[key] {
		if w.startTS == startTS {
			return w, true
		}
	}
	return fakeWrite{}, false
}

func (m *fakeMVCC) addWrite(key string, w fakeWrite) {
	ws := append(m.writes[key], w)
	sort.Slice(ws, func(i, j int) bool { return ws[i].commitTS > ws[j].commitTS })
	m.writes[key] = ws
}

// finish commits (commitTS > 0) or rolls back key's lock of startTS.
func (m *fakeMVCC) finish(key string, startTS, commitTS uint64) {
	l := m.locks[key]
	if l != nil && l.info.LockVersion == startTS {
		delete(m.locks, key)
		if commitTS > 0 {
			m.addWrite(key, fakeWrite{startTS: startTS, commitTS: commitTS, op: l.info.LockType})
			return
		}
		delete(m.values, valueKey(key, startTS))
	}
	if _, ok := m.record(key, startTS); !ok && commitTS == 0 {
		m.addWrite(key, fakeWrite{startTS: startTS, commitTS: startTS, op: kvrpcpb.Op_Rollback})
	}
}

func (s *fakeStore) KvGet(_ context.Context, req *kvrpcpb.KvGetRequest) (*kvrpcpb.KvGetResponse, error) {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	if e := s.check("kvget", req.Context, req.Key); e != nil {
		return &kvrpcpb.KvGetResponse{RegionError: e}, nil
	}
	v, ok, ke := s.c.mvcc().read(string(req.Key), req.Version)
	return &kvrpcpb.KvGetResponse{Value: v, NotFound: !ok && ke == nil, Error: ke}, nil
}

func (s *fakeStore) KvBatchGet(_ context.Context, req *kvrpcpb.KvBatchGetRequest) (*kvrpcpb.KvBatchGetResponse, error) {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	if e := s.check("kvbatchget", req.Context, req.Keys...); e != nil {
		return &kvrpcpb.KvBatchGetResponse{RegionError: e}, nil
	}
	s.c.mvcc().batch(len(req.Keys))
	resp := &kvrpcpb.KvBatchGetResponse{}
	for _, k := range req.Keys {
		if v, ok, ke := s.c.mvcc().read(string(k), req.Version); ok || ke != nil {
			resp.Pairs = append(resp.Pairs, &kvrpcpb.TxnKvPair{Key: k, Value: v, Error: ke})
		}
	}
	return resp, nil
}

func (s *fakeStore) KvScan(_ context.Context, req *kvrpcpb.KvScanRequest) (*kvrpcpb.KvScanResponse, error) {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	if e := s.check("kvscan", req.Context, req.StartKey); e != nil {
		return &kvrpcpb.KvScanResponse{RegionError: e}, nil
	}
	m, r := s.c.mvcc(), s.c.regions[req.Context.RegionId]
	seen := map[string]bool{}
	var keys []string
	for k := range m.writes {
		seen[k] = true
		keys = append(keys, k)
	}
	for k := range m.locks {
		if !seen[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	resp := &kvrpcpb.KvScanResponse{}
	for _, k := range keys {
		key := []byte(k)
		if bytes.Compare(key, req.StartKey) < 0 || (len(req.EndKey) > 0 && bytes.Compare(key, req.EndKey) >= 0) || !inRegion(r, key) {
			continue
		}
		if len(resp.Pairs) == int(req.Limit) {
			break
		}
		if v, ok, ke := m.read(k, req.Version); ok || ke != nil {
			resp.Pairs = append(resp.Pairs, &kvrpcpb.TxnKvPair{Key: key, Value: v, Error: ke})
		}
	}
	return resp, nil
}

func (s *fakeStore) KvPrewrite(_ context.Context, req *kvrpcpb.KvPrewriteRequest) (*kvrpcpb.KvPrewriteResponse, error) {
	s.c.mu.Lock()
	hook := s.c.mvcc().beforePrewrite
	s.c.mu.Unlock()
	if hook != nil {
		hook()
	}
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	keys := make([][]byte, len(req.Mutations))
	for i, mu := range req.Mutations {
		keys[i] = mu.Key
	}
	if e := s.check("prewrite", req.Context, keys...); e != nil {
		return &kvrpcpb.KvPrewriteResponse{RegionError: e}, nil
	}
	m := s.c.mvcc()
	m.batch(len(req.Mutations))
	resp := &kvrpcpb.KvPrewriteResponse{}
	for _, mu := range req.Mutations {
		if ws := m.writes[string(mu.Key)]; len(ws) > 0 && ws[0].commitTS >= req.StartVersion {
			resp.Errors = append(resp.Errors, &kvrpcpb.KeyError{Conflict: &kvrpcpb.WriteConflict{StartTs: req.StartVersion,
				ConflictTs: ws[0].startTS, ConflictCommitTs: ws[0].commitTS, Key: mu.Key, Primary: req.PrimaryLock}})
		} else if l := m.locks[string(mu.Key)]; l != nil && l.info.LockVersion != req.StartVersion {
			resp.Errors = append(resp.Errors, &kvrpcpb.KeyError{Locked: l.info})
		}
	}
	if len(resp.Errors) > 0 {
		return resp, nil
	}
	for _, mu := range req.Mutations {
		k := string(mu.Key)
		m.locks[k] = &fakeLock{info: &kvrpcpb.LockInfo{PrimaryLock: req.PrimaryLock, LockVersion: req.StartVersion,
			Key: mu.Key, LockTtl: req.LockTtl, LockType: mu.Op}}
		m.values[valueKey(k, req.StartVersion)] = mu.Value
	}
	return resp, nil
}

func (s *fakeStore) KvCommit(_ context.Context, req *kvrpcpb.KvCommitRequest) (*kvrpcpb.KvCommitResponse, error) {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	m := s.c.mvcc()
	for _, k := range req.Keys {
		if code, ok := m.commitErr[string(k)]; ok {
			return nil, status.Error(code, "injected commit failure")
		}
	}
	if e := s.check("commit", req.Context, req.Keys...); e != nil {
		return &kvrpcpb.KvCommitResponse{RegionError: e}, nil
	}
	m.batch(len(req.Keys))
	for _, k := range req.Keys {
		if l := m.locks[string(k)]; l != nil && l.info.LockVersion == req.StartVersion {
			continue
		}
		switch w, ok := m.record(string(k), req.StartVersion); {
		case ok && w.op == kvrpcpb.Op_Rollback:
			return &kvrpcpb.KvCommitResponse{Error: &kvrpcpb.KeyError{Abort: "rolled back"}}, nil
		case !ok:
			return &kvrpcpb.KvCommitResponse{Error: &kvrpcpb.KeyError{Retryable: "txn lock not found"}}, nil
		}
	}
	for _, k := range req.Keys {
		m.finish(string(k), req.StartVersion, req.CommitVersion)
	}
	return &kvrpcpb.KvCommitResponse{}, nil
}

func (s *fakeStore) KvCheckTxnStatus(_ context.Context, req *kvrpcpb.KvCheckTxnStatusRequest) (*kvrpcpb.KvCheckTxnStatusResponse, error) {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	if e := s.check("checktxn", req.Context, req.PrimaryKey); e != nil {
		return &kvrpcpb.KvCheckTxnStatusResponse{RegionError: e}, nil
	}
	m, k := s.c.mvcc(), string(req.PrimaryKey)
	if l := m.locks[k]; l != nil && l.info.LockVersion == req.LockTs {
		if req.LockTs>>18+l.info.LockTtl >= req.CurrentTs>>18 {
			return &kvrpcpb.KvCheckTxnStatusResponse{LockTtl: l.info.LockTtl}, nil
		}
		m.finish(k, req.LockTs, 0)
		return &kvrpcpb.KvCheckTxnStatusResponse{Action: kvrpcpb.Action_TTLExpireRollback}, nil
	}
	if w, ok := m.record(k, req.LockTs); ok {
		if w.op == kvrpcpb.Op_Rollback {
			return &kvrpcpb.KvCheckTxnStatusResponse{}, nil
		}
		return &kvrpcpb.KvCheckTxnStatusResponse{CommitVersion: w.commitTS}, nil
	}
	if !req.RollbackIfNotExist {
		return &kvrpcpb.KvCheckTxnStatusResponse{Error: &kvrpcpb.KeyError{TxnNotFound: &kvrpcpb.TxnNotFound{StartTs: req.LockTs, PrimaryKey: req.PrimaryKey}}}, nil
	}
	m.finish(k, req.LockTs, 0)
	return &kvrpcpb.KvCheckTxnStatusResponse{Action: kvrpcpb.Action_LockNotExistRollback}, nil
}

func (s *fakeStore) KvBatchRollback(_ context.Context, req *kvrpcpb.KvBatchRollbackRequest) (*kvrpcpb.KvBatchRollbackResponse, error) {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	if e := s.check("rollback", req.Context, req.Keys...); e != nil {
		return &kvrpcpb.KvBatchRollbackResponse{RegionError: e}, nil
	}
	m := s.c.mvcc()
	for _, k := range req.Keys {
		if w, ok := m.record(string(k), req.StartVersion); ok && w.op != kvrpcpb.Op_Rollback {
			return &kvrpcpb.KvBatchRollbackResponse{Error: &kvrpcpb.KeyError{Abort: "already committed"}}, nil
		}
	}
	for _, k := range req.Keys {
		m.finish(string(k), req.StartVersion, 0)
	}
	return &kvrpcpb.KvBatchRollbackResponse{}, nil
}

// regionLocks returns the locks in the request's region, in key order.
func (s *fakeStore) regionLocks(kctx *kvrpcpb.Context) []*fakeLock {
	r := s.c.regions[kctx.GetRegionId()]
	var out []*fakeLock
	for _, l := range s.c.mvcc().locks {
		if inRegion(r, l.info.Key) {
			out = append(out, l)
		}
	}
	sort.Slice(out, func(i, j int) bool { return bytes.Compare(out[i].info.Key, out[j].info.Key) < 0 })
	return out
}

func (s *fakeStore) KvResolveLock(_ context.Context, req *kvrpcpb.KvResolveLockRequest) (*kvrpcpb.KvResolveLockResponse, error) {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	if e := s.check("resolve", req.Context); e != nil {
		return &kvrpcpb.KvResolveLockResponse{RegionError: e}, nil
	}
	for _, l := range s.regionLocks(req.Context) {
		if l.info.LockVersion == req.StartVersion {
			s.c.mvcc().finish(string(l.info.Key), req.StartVersion, req.CommitVersion)
		}
	}
	return &kvrpcpb.KvResolveLockResponse{}, nil
}

func (s *fakeStore) KvScanLock(_ context.Context, req *kvrpcpb.KvScanLockRequest) (*kvrpcpb.KvScanLockResponse, error) {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	if e := s.check("scanlock", req.Context, req.StartKey); e != nil {
		return &kvrpcpb.KvScanLockResponse{RegionError: e}, nil
	}
	resp := &kvrpcpb.KvScanLockResponse{}
	for _, l := range s.regionLocks(req.Context) {
		if bytes.Compare(l.info.Key, req.StartKey) >= 0 && l.info.LockVersion <= req.MaxVersion && len(resp.Locks) < int(req.Limit) {
			resp.Locks = append(resp.Locks, l.info)
		}
	}
	return resp, nil
}
