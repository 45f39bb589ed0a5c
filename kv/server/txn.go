package server

import (
	"context"
	"errors"

	"github.com/gee-project/gee/kv/proto/errorpb"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/storage"
	"github.com/gee-project/gee/kv/txn"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// The transactional handlers validate a request, route it to the local region holding its first
// key when it names none, and hand it to the server's one txn.Executor (one, so every command
// shares its latches). Answers:
//   - a per-key problem (locked, conflict, rolled back) is a KeyError inside the response;
//   - a routing or leadership problem is the response's region_error (retry elsewhere);
//   - a bad request is a gRPC InvalidArgument status naming the field (the txn responses have no
//     free-text error field, and KeyError.abort would tell a client to retry the transaction);
//   - any other storage failure is a gRPC status: Canceled or DeadlineExceeded when the call's
//     context ended, otherwise Unavailable with the storage's text (a client may retry elsewhere).

// Txn returns the server's transaction executor (the store's GC worker uses it too).
func (s *Server) Txn() *txn.Executor { return s.txn }

// answer turns the Executor's result into the handler's: a region error becomes a response
// built by withRegion, any other error a gRPC status.
func answer[R any](resp R, err error, withRegion func(*errorpb.Error) R) (R, error) {
	if err == nil {
		return resp, nil
	}
	var re *storage.RegionError
	if errors.As(err, &re) && re.Err != nil {
		return withRegion(re.Err), nil
	}
	var zero R
	if errors.Is(err, txn.ErrInvalidRequest) {
		return zero, badRequest(err)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return zero, status.FromContextError(err).Err()
	}
	return zero, status.Error(codes.Unavailable, "storage: "+err.Error())
}

func badRequest(err error) error { return status.Error(codes.InvalidArgument, err.Error()) }

// KvGet reads key at version.
func (s *Server) KvGet(ctx context.Context, req *kvrpcpb.KvGetRequest) (*kvrpcpb.KvGetResponse, error) {
	if err := s.checkKey("key", req.GetKey()); err != nil {
		return nil, badRequest(err)
	}
	req.Context = s.readContext(req.GetContext(), req.GetKey())
	resp, err := s.txn.Get(ctx, req)
	return answer(resp, err, func(e *errorpb.Error) *kvrpcpb.KvGetResponse { return &kvrpcpb.KvGetResponse{RegionError: e} })
}

// KvBatchGet reads keys at version from one snapshot.
func (s *Server) KvBatchGet(ctx context.Context, req *kvrpcpb.KvBatchGetRequest) (*kvrpcpb.KvBatchGetResponse, error) {
	if err := s.checkKeys("keys", req.GetKeys()); err != nil {
		return nil, badRequest(err)
	}
	if len(req.GetKeys()) == 0 {
		return &kvrpcpb.KvBatchGetResponse{}, nil
	}
	req.Context = s.readContext(req.GetContext(), req.GetKeys()[0])
	resp, err := s.txn.BatchGet(ctx, req)
	if err == nil && pairBytes(resp.GetPairs()) > s.lim.MaxBatchBytes {
		return nil, status.Errorf(codes.ResourceExhausted, "keys: the values found exceed the response limit of %d bytes; ask for fewer keys", s.lim.MaxBatchBytes)
	}
	return answer(resp, err, func(e *errorpb.Error) *kvrpcpb.KvBatchGetResponse { return &kvrpcpb.KvBatchGetResponse{RegionError: e} })
}

func pairBytes(pairs []*kvrpcpb.TxnKvPair) int {
	n := 0
	for _, p := range pairs {
		n += len(p.GetKey()) + len(p.GetValue())
	}
	return n
}

// KvScan reads up to limit keys from start_key at version, within the region holding start_key.
// Like RawScan, the page also ends once it holds MaxScanBytes of keys and values (always at least
// one pair), so a short page does not by itself mean the range is exhausted.
func (s *Server) KvScan(ctx context.Context, req *kvrpcpb.KvScanRequest) (*kvrpcpb.KvScanResponse, error) {
	if err := s.checkTxnScan(req.GetStartKey(), req.GetEndKey(), req.GetLimit()); err != nil {
		return nil, badRequest(err)
	}
	req.Context = s.readContext(req.GetContext(), req.GetStartKey())
	resp, err := s.txn.Scan(ctx, req)
	if err == nil {
		resp.Pairs = s.capScan(resp.GetPairs())
	}
	return answer(resp, err, func(e *errorpb.Error) *kvrpcpb.KvScanResponse { return &kvrpcpb.KvScanResponse{RegionError: e} })
}

// capScan keeps the pairs up to and including the one that reaches MaxScanBytes.
func (s *Server) capScan(pairs []*kvrpcpb.TxnKvPair) []*kvrpcpb.TxnKvPair {
	size := 0
	for i, p := range pairs {
		if size += len(p.GetKey()) + len(p.GetValue()); size >= s.lim.MaxScanBytes {
			return pairs[:i+1]
		}
	}
	return pairs
}

// KvPrewrite locks and writes the mutations of one region (all or none).
func (s *Server) KvPrewrite(ctx context.Context, req *kvrpcpb.KvPrewriteRequest) (*kvrpcpb.KvPrewriteResponse, error) {
	if err := s.checkPrewrite(req); err != nil {
		return nil, badRequest(err)
	}
	req.Context = s.readContext(req.GetContext(), req.GetMutations()[0].GetKey())
	resp, err := s.txn.Prewrite(ctx, req)
	if err == nil && resp.GetOnePcCommitVersion() != 0 && len(resp.GetErrors()) == 0 && resp.GetRegionError() == nil {
		s.stats.txnCommits.Add(1) // committed in one phase
	}
	return answer(resp, err, func(e *errorpb.Error) *kvrpcpb.KvPrewriteResponse { return &kvrpcpb.KvPrewriteResponse{RegionError: e} })
}

// KvCommit commits the keys of start_version at commit_version.
func (s *Server) KvCommit(ctx context.Context, req *kvrpcpb.KvCommitRequest) (*kvrpcpb.KvCommitResponse, error) {
	err := s.checkVersions(req.GetStartVersion(), req.GetCommitVersion(), true)
	if err == nil {
		err = s.checkKeys("keys", req.GetKeys())
	}
	if err == nil && len(req.GetKeys()) == 0 {
		err = errors.New("keys: no keys to commit")
	}
	if err != nil {
		return nil, badRequest(err)
	}
	req.Context = s.readContext(req.GetContext(), req.GetKeys()[0])
	resp, err := s.txn.Commit(ctx, req)
	if err == nil && resp.GetError() == nil && resp.GetRegionError() == nil {
		s.stats.txnCommits.Add(1)
	}
	return answer(resp, err, func(e *errorpb.Error) *kvrpcpb.KvCommitResponse { return &kvrpcpb.KvCommitResponse{RegionError: e} })
}

// KvCheckTxnStatus reports (and, if its lock expired, rolls back) the transaction of a primary key.
func (s *Server) KvCheckTxnStatus(ctx context.Context, req *kvrpcpb.KvCheckTxnStatusRequest) (*kvrpcpb.KvCheckTxnStatusResponse, error) {
	err := s.checkKey("primary_key", req.GetPrimaryKey())
	if err == nil && req.GetLockTs() == 0 {
		err = errors.New("lock_ts: 0 is not a transaction's timestamp")
	}
	if err != nil {
		return nil, badRequest(err)
	}
	req.Context = s.readContext(req.GetContext(), req.GetPrimaryKey())
	resp, err := s.txn.CheckTxnStatus(ctx, req)
	return answer(resp, err, func(e *errorpb.Error) *kvrpcpb.KvCheckTxnStatusResponse {
		return &kvrpcpb.KvCheckTxnStatusResponse{RegionError: e}
	})
}

// KvBatchRollback rolls back the keys of start_version.
func (s *Server) KvBatchRollback(ctx context.Context, req *kvrpcpb.KvBatchRollbackRequest) (*kvrpcpb.KvBatchRollbackResponse, error) {
	err := s.checkVersions(req.GetStartVersion(), 0, false)
	if err == nil {
		err = s.checkKeys("keys", req.GetKeys())
	}
	if err != nil {
		return nil, badRequest(err)
	}
	if len(req.GetKeys()) == 0 {
		return &kvrpcpb.KvBatchRollbackResponse{}, nil
	}
	req.Context = s.readContext(req.GetContext(), req.GetKeys()[0])
	resp, err := s.txn.BatchRollback(ctx, req)
	return answer(resp, err, func(e *errorpb.Error) *kvrpcpb.KvBatchRollbackResponse {
		return &kvrpcpb.KvBatchRollbackResponse{RegionError: e}
	})
}

// KvScanLock lists up to limit locks with lock_version <= max_version from start_key, in the
// region holding start_key.
func (s *Server) KvScanLock(ctx context.Context, req *kvrpcpb.KvScanLockRequest) (*kvrpcpb.KvScanLockResponse, error) {
	if err := s.checkTxnScan(req.GetStartKey(), nil, req.GetLimit()); err != nil {
		return nil, badRequest(err)
	}
	req.Context = s.readContext(req.GetContext(), req.GetStartKey())
	resp, err := s.txn.ScanLock(ctx, req)
	return answer(resp, err, func(e *errorpb.Error) *kvrpcpb.KvScanLockResponse { return &kvrpcpb.KvScanLockResponse{RegionError: e} })
}

// KvResolveLock commits (commit_version > 0) or rolls back (0) start_version's locks in the region
// the context names.
func (s *Server) KvResolveLock(ctx context.Context, req *kvrpcpb.KvResolveLockRequest) (*kvrpcpb.KvResolveLockResponse, error) {
	if err := s.checkVersions(req.GetStartVersion(), req.GetCommitVersion(), false); err != nil {
		return nil, badRequest(err)
	}
	resp, err := s.txn.ResolveLock(ctx, req)
	return answer(resp, err, func(e *errorpb.Error) *kvrpcpb.KvResolveLockResponse {
		return &kvrpcpb.KvResolveLockResponse{RegionError: e}
	})
}

// KvGC removes the versions no read at or after safe_point can see, in the region the context
// names (the whole key space on a standalone store). The safe point is trusted as given: stores
// normally GC on their own from the scheduler's safe point (kv/gcworker).
func (s *Server) KvGC(ctx context.Context, req *kvrpcpb.KvGCRequest) (*kvrpcpb.KvGCResponse, error) {
	_, err := s.txn.GC(ctx, req.GetContext(), req.GetSafePoint(), nil, nil)
	return answer(&kvrpcpb.KvGCResponse{}, err, func(e *errorpb.Error) *kvrpcpb.KvGCResponse { return &kvrpcpb.KvGCResponse{RegionError: e} })
}
