// Package txn runs Percolator's transactional commands (TiKV's KvGet … KvGC) on a
// storage.Storage, reading and writing MVCC data through kv/mvcc.
//
// Every command that writes latches the user keys it reads and then writes (kv/latches),
// opens its reader only once it holds them, and checks before writing that each
// modification's key is latched. Per-key problems are KeyErrors in the response; a
// returned error means the request was invalid (wraps ErrInvalidRequest), a storage
// failure (*storage.RegionError for routing and leadership) or a cancelled context.
package txn

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/gee-project/gee/kv/latches"
	"github.com/gee-project/gee/kv/mvcc"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/storage"
)

// Request limits. Larger requests are refused with an error naming the field.
const (
	// MaxKeys bounds the mutations of a prewrite and the keys of a get, commit or rollback.
	MaxKeys = 10000
	// MaxScanLimit bounds the limit of a scan or a lock scan.
	MaxScanLimit = 10000
	// MaxKeySize bounds every key, in bytes.
	MaxKeySize = 8 << 10
)

// ErrInvalidRequest is wrapped by the error of a request whose fields are invalid.
var ErrInvalidRequest = errors.New("invalid request")

// Executor runs transactional commands on one storage. It is safe for concurrent use.
type Executor struct {
	st      storage.Storage
	latches *latches.Latches
	// gcFloor is the highest safe point GC has run with here or RaiseGCFloor was given: GC may
	// have removed the rollback records of transactions that started below it, so their
	// prewrites are refused.
	gcFloor atomic.Uint64
	clock   atomic.Pointer[clockBox]
	mem     memLocks
	onePCs  atomic.Uint64
}

// OnePhaseCommits returns how many one-phase commits this executor has applied.
func (e *Executor) OnePhaseCommits() uint64 { return e.onePCs.Load() }

// Clock hands out timestamps from the cluster's TSO; a *schedclient.Client is one.
type Clock interface {
	GetTS(ctx context.Context) (uint64, error)
}

type clockBox struct{ c Clock }

// New returns an executor over st with its own latches.
func New(st storage.Storage) *Executor { return &Executor{st: st, latches: latches.New()} }

// SetClock gives the executor the cluster's TSO, which enables one-phase commit
// (KvPrewriteRequest.try_one_pc). Without one every prewrite writes locks.
func (e *Executor) SetClock(c Clock) { e.clock.Store(&clockBox{c}) }

func (e *Executor) getClock() Clock {
	if b := e.clock.Load(); b != nil {
		return b.c
	}
	return nil
}

// keyErr is a command's per-key outcome: nil, or the KeyError for the response.
type keyErr = *kvrpcpb.KeyError

// write runs fn on a transaction buffer at startTS while holding the latches of keys,
// then applies what fn collected unless fn returned a KeyError.
func (e *Executor) write(ctx context.Context, kvctx *kvrpcpb.Context, keys [][]byte, startTS uint64,
	fn func(t *mvcc.MvccTxn) (keyErr, error)) (keyErr, error) {
	return e.writeThen(ctx, kvctx, keys, startTS, fn, nil)
}

// writeThen is write that, when fn buffered writes, passes the outcome of applying them
// to then (if not nil), still under the latches, and returns what then returns.
func (e *Executor) writeThen(ctx context.Context, kvctx *kvrpcpb.Context, keys [][]byte, startTS uint64,
	fn func(t *mvcc.MvccTxn) (keyErr, error), then func(err error) error) (keyErr, error) {
	g, err := e.latches.Acquire(ctx, keys)
	if err != nil {
		return nil, err
	}
	defer g.Release()
	r, err := e.st.Reader(ctx, kvctx)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	t := mvcc.NewMvccTxn(r, startTS)
	ke, err := fn(t)
	if ke != nil || err != nil || len(t.Writes()) == 0 {
		return ke, err
	}
	err = g.CheckWrites(t.Writes(), mvcc.UserKey)
	if err == nil {
		err = e.st.Write(ctx, kvctx, t.Writes())
	}
	if then != nil {
		err = then(err)
	}
	return nil, err
}

// read runs fn on a transaction buffer reading at ts.
func (e *Executor) read(ctx context.Context, kvctx *kvrpcpb.Context, ts uint64, fn func(t *mvcc.MvccTxn) error) error {
	r, err := e.st.Reader(ctx, kvctx)
	if err != nil {
		return err
	}
	defer r.Close()
	return fn(mvcc.NewMvccTxn(r, ts))
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidRequest, fmt.Sprintf(format, args...))
}

func mvccErr(what string, key []byte, err error) error {
	return fmt.Errorf("%s %q: %w", what, key, err)
}
