package txn

import (
	"context"
	"errors"
	"time"

	"github.com/gee-project/gee/kv/mvcc"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/storage"
)

// One-phase commit (try_one_pc) commits a transaction whose keys all live in one region
// with one Raft write, where 2PC needs two plus a second round trip to the TSO.
//
// Percolator's rule is that a commit timestamp is taken only once every key is locked,
// so that a reader whose timestamp is higher either sees the lock or the committed value.
// Here the locks are in memory (memLocks) rather than written: under the keys' latches,
// once every check passed, the keys are memory-locked, then the commit timestamp is taken
// from the TSO, then the values and write records are written. A reader with a higher
// timestamp got it after the memory locks went in, so on this store it waits for them to
// go, which is only after the write is applied or known never to be. Any other store that
// could serve the read is a newer leader, which applies every entry of the old one it holds
// before it serves a read.

// clockTimeout bounds the wait for the commit timestamp; past it the prewrite writes locks.
const clockTimeout = 2 * time.Second

// settleTimeout bounds how long a one-phase commit whose outcome was lost is watched.
var settleTimeout = 30 * time.Second

// onePC is a one-phase commit under way: its keys are memory-locked, its timestamp taken.
type onePC struct {
	lock     *memLock
	commitTS uint64
}

// beginOnePC memory-locks keys and takes a commit timestamp, or returns nil (no clock, or
// the TSO did not answer) and the prewrite writes locks instead.
func (e *Executor) beginOnePC(ctx context.Context, keys [][]byte, startTS uint64) *onePC {
	c := e.getClock()
	if c == nil {
		return nil
	}
	l := e.mem.install(keys, startTS)
	cctx, cancel := context.WithTimeout(ctx, clockTimeout)
	ts, err := c.GetTS(cctx)
	cancel()
	if err != nil || ts <= startTS {
		e.mem.release(l)
		return nil
	}
	return &onePC{lock: l, commitTS: ts}
}

// buffer buffers the committed write of a checked mutation.
func (pc *onePC) buffer(t *mvcc.MvccTxn, m *kvrpcpb.Mutation) {
	kind, _ := mvcc.KindOfOp(m.GetOp())
	if kind == mvcc.WritePut {
		t.PutValue(m.GetKey(), m.GetValue())
	}
	t.PutWrite(m.GetKey(), pc.commitTS, &mvcc.Write{StartTS: t.StartTS, Kind: kind})
}

// endOnePC takes the outcome err of a one-phase commit's write (still under its latches),
// settles it when it was lost, and releases the memory locks.
func (e *Executor) endOnePC(ctx context.Context, kvctx *kvrpcpb.Context, key []byte, pc *onePC, err error,
	resp *kvrpcpb.KvPrewriteResponse) error {
	if pc == nil {
		return err
	}
	defer e.mem.release(pc.lock)
	if err != nil && maybeApplied(err) && e.settle(ctx, kvctx, key, pc) {
		err = nil
	}
	if err == nil {
		resp.OnePcCommitVersion = pc.commitTS
		e.onePCs.Add(1)
	}
	return err
}

// settle learns whether a lost one-phase commit was applied after all, by reading its first
// key until the commit record shows (true); false once the region answers that the write can
// no longer apply where this store could serve a read (not leader, epoch changed), the store
// stops, or settleTimeout passes. Until then the memory locks stay: the write may still land.
func (e *Executor) settle(ctx context.Context, kvctx *kvrpcpb.Context, key []byte, pc *onePC) bool {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
	defer cancel()
	for {
		r, err := e.st.Reader(ctx, kvctx)
		if err == nil {
			_, ts, err := mvcc.NewMvccTxn(r, pc.lock.startTS).CurrentWrite(key)
			r.Close()
			if err == nil && ts == pc.commitTS {
				return true
			}
		} else if !isTimeout(err) {
			return false
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// committedAlready returns the commit_ts of this transaction's one-phase commit of muts
// when a retried request finds it done, or 0.
func committedAlready(t *mvcc.MvccTxn, muts []*kvrpcpb.Mutation) (uint64, error) {
	var ts uint64
	for _, m := range muts {
		w, commitTS, err := t.CurrentWrite(m.GetKey())
		if err != nil || w == nil || w.Kind == mvcc.WriteRollback || (ts != 0 && commitTS != ts) {
			return 0, err
		}
		ts = commitTS
	}
	return ts, nil
}

// maybeApplied reports whether a failed write may still be applied: its proposal timed out
// or went stale, or the call was cancelled after proposing.
func maybeApplied(err error) bool {
	var re *storage.RegionError
	if errors.As(err, &re) {
		return re.Err.GetTimeout() != nil || re.Err.GetStaleCommand() != nil
	}
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

func isTimeout(err error) bool {
	var re *storage.RegionError
	return errors.As(err, &re) && re.Err.GetTimeout() != nil
}
