package client

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/proto/tinykvpb"
	"github.com/gee-project/gee/kv/schedclient/regioncache"
)

// Txn is an optimistic Percolator transaction (docs/kv-client.md#transactions): reads see
// the snapshot at StartTS plus the transaction's own buffered writes; writes are buffered
// until Commit, which runs two-phase commit. A Txn is safe for concurrent use, but
// Set/Delete after Commit began are refused.
type Txn struct {
	c       *Client
	startTS uint64
	opts    txnConfig

	mu       sync.Mutex
	writes   map[string]*kvrpcpb.Mutation // buffered Put/Del by key
	done     bool                         // Commit or Rollback called
	commitTS uint64

	bg chan struct{} // closed when Commit's background work (secondaries, cleanup) ends
}

type txnConfig struct {
	ttl        time.Duration // lock TTL of a small transaction
	lockBudget time.Duration // how long one call may wait for other transactions' locks
	twoPC      bool          // never try one-phase commit
}

// WithTwoPhaseCommit makes Commit always use two-phase commit, even when every key is in
// one region (where it otherwise asks the store for a one-phase commit: one Raft write
// instead of two, and no second timestamp).
func WithTwoPhaseCommit() TxnOption { return func(c *txnConfig) { c.twoPC = true } }

// TxnOption configures Begin.
type TxnOption func(*txnConfig)

// WithLockTTL sets the TTL of the transaction's locks (default 3 s; larger transactions get
// longer ones). A lock older than its TTL may be rolled back by any reader or writer.
func WithLockTTL(d time.Duration) TxnOption { return func(c *txnConfig) { c.ttl = d } }

// WithLockWaitBudget bounds how long one call waits for other transactions' live locks
// before failing with a ConflictError (default 20 s); the call's context bounds it too.
func WithLockWaitBudget(d time.Duration) TxnOption { return func(c *txnConfig) { c.lockBudget = d } }

// Begin starts a transaction reading the snapshot at a new timestamp from the scheduler's
// TSO. It needs a region-aware client (NewWithScheduler).
func (c *Client) Begin(ctx context.Context, opts ...TxnOption) (*Txn, error) {
	if c.route == nil {
		return nil, errors.New("client: transactions need a region-aware client (NewWithScheduler)")
	}
	cfg := txnConfig{ttl: 3 * time.Second, lockBudget: 20 * time.Second}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.ttl < time.Millisecond || cfg.lockBudget <= 0 {
		return nil, errors.New("client: lock TTL must be at least 1 ms and the lock wait budget positive")
	}
	ts, err := c.route.sched.GetTS(ctx)
	if err != nil {
		return nil, fmt.Errorf("client: begin: timestamp: %w", err)
	}
	return &Txn{c: c, startTS: ts, opts: cfg, writes: map[string]*kvrpcpb.Mutation{}, bg: make(chan struct{})}, nil
}

// StartTS is the transaction's snapshot timestamp.
func (t *Txn) StartTS() uint64 { return t.startTS }

// CommitTS is the commit timestamp once Commit succeeded (a read-only transaction's is its
// StartTS), else 0.
func (t *Txn) CommitTS() uint64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.commitTS
}

// Set buffers key = value until Commit.
func (t *Txn) Set(key, value []byte) error {
	if value == nil {
		value = []byte{}
	}
	return t.buffer(&kvrpcpb.Mutation{Op: kvrpcpb.Op_Put, Key: clone(key), Value: clone(value)})
}

// Delete buffers the removal of key until Commit; deleting an absent key commits fine.
func (t *Txn) Delete(key []byte) error {
	return t.buffer(&kvrpcpb.Mutation{Op: kvrpcpb.Op_Del, Key: clone(key)})
}

func (t *Txn) buffer(m *kvrpcpb.Mutation) error {
	if len(m.Key) == 0 {
		return errors.New("client: empty key")
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done {
		return ErrTxnDone
	}
	t.writes[string(m.Key)] = m
	return nil
}

func clone(b []byte) []byte { return append(make([]byte, 0, len(b)), b...) }

// buffered returns the transaction's own write of key, if any.
func (t *Txn) buffered(key []byte) (*kvrpcpb.Mutation, bool, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done {
		return nil, false, ErrTxnDone
	}
	m, ok := t.writes[string(key)]
	return m, ok, nil
}

// Rollback discards the buffered writes; nothing was sent, so nothing needs undoing. After
// a failed Commit the transaction already rolled back what it had prewritten. ctx is unused
// and kept for symmetry with Commit.
func (t *Txn) Rollback(_ context.Context) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done {
		return ErrTxnDone
	}
	t.done = true
	t.writes = nil
	close(t.bg)
	return nil
}

// Get returns key's value in the transaction's view, or ErrNotFound.
func (t *Txn) Get(ctx context.Context, key []byte) ([]byte, error) {
	if m, ok, err := t.buffered(key); err != nil || ok {
		if err != nil || m.Op == kvrpcpb.Op_Del {
			return nil, cmpErr(err, ErrNotFound)
		}
		return clone(m.Value), nil
	}
	bo := t.newLockBackoff()
	for {
		var resp *kvrpcpb.KvGetResponse
		err := t.c.routeKeys(ctx, [][]byte{key}, false, func(ctx context.Context, kv tinykvpb.TinyKvClient, kctx *kvrpcpb.Context, _ *regioncache.KeyGroup) result {
			r, err := kv.KvGet(ctx, &kvrpcpb.KvGetRequest{Context: kctx, Key: key, Version: t.startTS})
			resp = r
			return result{err: err, regionErr: r.GetRegionError()}
		})
		switch {
		case err != nil:
			return nil, bo.explain(ctx, err)
		case resp.GetError().GetLocked() != nil:
			if err := t.c.resolveLocks(ctx, bo, []*kvrpcpb.LockInfo{lockOn(resp.GetError().GetLocked(), key)}); err != nil {
				return nil, err
			}
			continue
		case resp.GetError() != nil:
			return nil, keyError(t.startTS, key, resp.GetError())
		case resp.GetNotFound():
			return nil, ErrNotFound
		}
		return append([]byte{}, resp.GetValue()...), nil
	}
}

func cmpErr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

// BatchGet returns the pairs of the keys that exist in the transaction's view, in the
// order asked; the stored ones are read at StartTS, one request per region.
func (t *Txn) BatchGet(ctx context.Context, keys [][]byte) ([]KV, error) {
	found := make([]*KV, len(keys))
	var remote [][]byte
	var at []int // remote[i] is keys[at[i]]
	for i, k := range keys {
		m, ok, err := t.buffered(k)
		switch {
		case err != nil:
			return nil, err
		case !ok:
			remote, at = append(remote, k), append(at, i)
		case m.Op == kvrpcpb.Op_Put:
			found[i] = &KV{Key: k, Value: clone(m.Value)}
		}
	}
	for _, ch := range keyChunks(remote) {
		vals, err := t.batchGetStored(ctx, remote[ch[0]:ch[1]])
		if err != nil {
			return nil, err
		}
		for i, v := range vals {
			if v != nil {
				found[at[ch[0]+i]] = &KV{Key: remote[ch[0]+i], Value: v}
			}
		}
	}
	out := make([]KV, 0, len(keys))
	for _, p := range found {
		if p != nil {
			out = append(out, *p)
		}
	}
	return out, nil
}

// batchGetStored reads keys at StartTS; vals[i] is nil when keys[i] is absent. Locked keys
// are resolved and read again.
func (t *Txn) batchGetStored(ctx context.Context, keys [][]byte) ([][]byte, error) {
	vals := make([][]byte, len(keys))
	pending := make([]int, len(keys))
	for i := range pending {
		pending[i] = i
	}
	bo := t.newLockBackoff()
	for len(pending) > 0 {
		ask := make([][]byte, len(pending))
		for i, p := range pending {
			ask[i] = keys[p]
		}
		var mu sync.Mutex
		var locks []*kvrpcpb.LockInfo
		var again []int
		var fatal error
		err := t.c.routeKeys(ctx, ask, false, func(ctx context.Context, kv tinykvpb.TinyKvClient, kctx *kvrpcpb.Context, g *regioncache.KeyGroup) result {
			r, err := kv.KvBatchGet(ctx, &kvrpcpb.KvBatchGetRequest{Context: kctx, Keys: g.Keys, Version: t.startTS})
			res := result{err: err, regionErr: r.GetRegionError()}
			if err != nil || r.GetRegionError() != nil {
				return res
			}
			byKey := make(map[string]*kvrpcpb.TxnKvPair, len(r.GetPairs()))
			for _, p := range r.GetPairs() {
				byKey[string(p.GetKey())] = p
			}
			mu.Lock()
			defer mu.Unlock()
			for i, k := range g.Keys {
				p, ix := byKey[string(k)], pending[g.Index[i]]
				switch {
				case p == nil:
				case p.GetError().GetLocked() != nil:
					locks, again = append(locks, lockOn(p.GetError().GetLocked(), k)), append(again, ix)
				case p.GetError() != nil:
					fatal = keyError(t.startTS, k, p.GetError())
				default:
					vals[ix] = append([]byte{}, p.GetValue()...)
				}
			}
			return res
		})
		if err := cmpErr(bo.explain(ctx, err), fatal); err != nil {
			return nil, err
		}
		if len(locks) > 0 {
			if err := t.c.resolveLocks(ctx, bo, locks); err != nil {
				return nil, err
			}
		}
		sort.Ints(again)
		pending = again
	}
	return vals, nil
}

// lockOn fills in the key of a lock a server reported without it.
func lockOn(l *kvrpcpb.LockInfo, key []byte) *kvrpcpb.LockInfo {
	if len(l.GetKey()) == 0 {
		l.Key = key
	}
	return l
}
