package server

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/storage/standalone"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

type txnCall func(ctx context.Context, b []byte) (proto.Message, error)

// txnHandler returns the handler kind selects (kind mod 10), with request decoding as gRPC does it.
func txnHandler(s *Server, kind byte) txnCall {
	return [...]txnCall{decoded(s.KvGet), decoded(s.KvBatchGet), decoded(s.KvScan), decoded(s.KvPrewrite),
		decoded(s.KvCommit), decoded(s.KvCheckTxnStatus), decoded(s.KvBatchRollback), decoded(s.KvScanLock),
		decoded(s.KvResolveLock), decoded(s.KvGC)}[kind%10]
}

// decoded wraps h: undecodable bytes answer (nil, nil), as gRPC refuses them before the handler.
func decoded[Req any, PReq interface {
	*Req
	proto.Message
}, Resp proto.Message](h func(context.Context, PReq) (Resp, error)) txnCall {
	return func(ctx context.Context, b []byte) (proto.Message, error) {
		req := PReq(new(Req))
		if err := proto.Unmarshal(b, req); err != nil {
			return nil, nil
		}
		resp, err := h(ctx, req)
		if err != nil {
			return nil, err
		}
		return resp, nil
	}
}

// FuzzTxnRequests runs arbitrary bytes, decoded as one of the ten transactional requests, through
// its handler on a standalone store with small limits. Whatever the input, there is no panic or
// hang, and the answer is either a response or a gRPC InvalidArgument with a message (a standalone
// store has no other failure).
func FuzzTxnRequests(f *testing.F) {
	seed := func(kind byte, m proto.Message) {
		b, err := proto.Marshal(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(append([]byte{kind}, b...))
	}
	seed(0, &kvrpcpb.KvGetRequest{Key: []byte("a"), Version: 9})
	seed(1, &kvrpcpb.KvBatchGetRequest{Keys: [][]byte{[]byte("a"), nil}, Version: 9})
	seed(2, &kvrpcpb.KvScanRequest{StartKey: []byte("a"), Limit: 3, Version: 9, EndKey: []byte("z")})
	seed(3, &kvrpcpb.KvPrewriteRequest{Mutations: []*kvrpcpb.Mutation{putMut("a", "1"), {Op: kvrpcpb.Op_Lock, Key: []byte("b")}},
		PrimaryLock: []byte("a"), StartVersion: 5, LockTtl: 1})
	seed(3, &kvrpcpb.KvPrewriteRequest{Mutations: []*kvrpcpb.Mutation{{Op: 7, Key: []byte("a")}}, PrimaryLock: []byte("a"), StartVersion: 5})
	seed(3, &kvrpcpb.KvPrewriteRequest{Mutations: []*kvrpcpb.Mutation{putMut("c", "1"), {Op: kvrpcpb.Op_Del, Key: []byte("d")}},
		PrimaryLock: []byte("c"), StartVersion: 7, TryOnePc: true})
	seed(4, &kvrpcpb.KvCommitRequest{Keys: [][]byte{[]byte("a")}, StartVersion: 5, CommitVersion: 6})
	seed(5, &kvrpcpb.KvCheckTxnStatusRequest{PrimaryKey: []byte("a"), LockTs: 5, CurrentTs: 1 << 40})
	seed(5, &kvrpcpb.KvCheckTxnStatusRequest{PrimaryKey: []byte("z"), LockTs: 5, CurrentTs: 6, RollbackIfNotExist: true})
	seed(6, &kvrpcpb.KvBatchRollbackRequest{Keys: [][]byte{[]byte("a")}, StartVersion: 5})
	seed(7, &kvrpcpb.KvScanLockRequest{MaxVersion: 10, Limit: 2})
	seed(8, &kvrpcpb.KvResolveLockRequest{StartVersion: 5, CommitVersion: 4})
	seed(9, &kvrpcpb.KvGCRequest{SafePoint: 7})
	f.Add([]byte{3, 0x12, 0x03, 0x08, 0x02, 0x12})
	st, err := standalone.Open(f.TempDir(), engine.Options{CacheSize: 1 << 20, MemTableSize: 1 << 20})
	if err != nil {
		f.Fatal(err)
	}
	defer st.Stop()
	s := New(st, nil, Limits{MaxKeySize: 32, MaxValueSize: 64, MaxBatchKeys: 8, MaxScanLimit: 16, MaxBatchBytes: 256}, nil)
	clock := &counterClock{}
	clock.next.Store(1 << 30)
	s.Txn().SetClock(clock) // try_one_pc commits, as on a linked store
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) == 0 {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, err := txnHandler(s, in[0])(ctx, in[1:])
		if err != nil {
			if st, _ := status.FromError(err); st.Code() != codes.InvalidArgument || st.Message() == "" {
				t.Fatalf("error %v, want InvalidArgument with a message", err)
			}
		}
	})
}

// counterClock hands out increasing timestamps, standing in for the scheduler's TSO.
type counterClock struct{ next atomic.Uint64 }

func (c *counterClock) GetTS(context.Context) (uint64, error) { return c.next.Add(1), nil }
