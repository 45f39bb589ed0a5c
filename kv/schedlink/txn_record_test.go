package schedlink_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gee-project/gee/kv/client"
	"github.com/gee-project/gee/kv/sicheck"
)

// history records every transaction a workload ran, for kv/sicheck. Workloads write values
// unique per key (they embed the writing transaction's id), as sicheck requires.
type history struct {
	mu   sync.Mutex
	txns []sicheck.Txn
	ids  atomic.Int64
}

func (h *history) add(t sicheck.Txn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.txns = append(h.txns, t)
}

// check runs sicheck over everything recorded and fails the test on any anomaly.
func (h *history) check(t *testing.T) {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	as, err := sicheck.Check(h.txns)
	if err != nil {
		t.Fatalf("sicheck: %v", err)
	}
	counts := map[sicheck.Status]int{}
	for _, x := range h.txns {
		counts[x.Status]++
	}
	t.Logf("sicheck: %d txns (%d committed, %d aborted, %d undetermined): %d anomalies",
		len(h.txns), counts[sicheck.Committed], counts[sicheck.Aborted], counts[sicheck.Undetermined], len(as))
	for i, a := range as {
		if i == 20 {
			t.Errorf("... and %d more", len(as)-i)
			break
		}
		t.Errorf("anomaly: %v", a)
	}
}

// recTxn is a kv/client transaction whose reads (from its snapshot, not its own writes)
// and writes are recorded.
type recTxn struct {
	h   *history
	tx  *client.Txn
	rec sicheck.Txn
}

func (h *history) begin(ctx context.Context, cl *client.Client) (*recTxn, error) {
	tx, err := cl.Begin(ctx)
	if err != nil {
		return nil, err
	}
	return &recTxn{h: h, tx: tx, rec: sicheck.Txn{ID: int(h.ids.Add(1)), Start: tx.StartTS()}}, nil
}

// get reads key; found is false when it is absent. Workloads read a key before writing it.
func (r *recTxn) get(ctx context.Context, key string) (value string, found bool, err error) {
	v, err := r.tx.Get(ctx, []byte(key))
	switch {
	case errors.Is(err, client.ErrNotFound):
		r.rec.Reads = append(r.rec.Reads, sicheck.Read{Key: key})
		return "", false, nil
	case err != nil:
		return "", false, err
	}
	r.rec.Reads = append(r.rec.Reads, sicheck.Read{Key: key, Value: string(v), Found: true})
	return string(v), true, nil
}

// scan reads up to limit pairs of [start, end), recording each (absent keys are not seen).
func (r *recTxn) scan(ctx context.Context, start, end string, limit int) ([]client.KV, error) {
	kvs, err := r.tx.Scan(ctx, []byte(start), []byte(end), limit)
	if err != nil {
		return nil, err
	}
	for _, kv := range kvs {
		r.rec.Reads = append(r.rec.Reads, sicheck.Read{Key: string(kv.Key), Value: string(kv.Value), Found: true})
	}
	return kvs, nil
}

func (r *recTxn) set(key, value string) error {
	r.rec.Writes = append(r.rec.Writes, sicheck.Write{Key: key, Value: value})
	return r.tx.Set([]byte(key), []byte(value))
}

func (r *recTxn) del(key string) error {
	r.rec.Writes = append(r.rec.Writes, sicheck.Write{Key: key, Delete: true})
	return r.tx.Delete([]byte(key))
}

// commit commits and records the outcome: a ConflictError is an abort, an
// UndeterminedError is undetermined with its commit_ts, and any other failure is counted
// undetermined too (with no commit_ts), since it may come after the primary's commit was sent.
func (r *recTxn) commit(ctx context.Context) (sicheck.Status, error) {
	err := r.tx.Commit(ctx)
	var u *client.UndeterminedError
	switch {
	case err == nil:
		r.rec.Status, r.rec.Commit = sicheck.Committed, r.tx.CommitTS()
	case errors.As(err, &u):
		r.rec.Status, r.rec.Commit = sicheck.Undetermined, u.CommitTS
	case client.IsRetryable(err):
		r.rec.Status = sicheck.Aborted
	default:
		r.rec.Status = sicheck.Undetermined
	}
	r.h.add(r.rec)
	return r.rec.Status, err
}

// abort rolls back (nothing was sent) and records what the transaction did.
func (r *recTxn) abort(ctx context.Context) {
	_ = r.tx.Rollback(ctx)
	r.rec.Status = sicheck.Aborted // its writes were never sent; a read of one would be G1a
	r.h.add(r.rec)
}

// mustCatch proves the check is live on this run's real history: a copy in which one read
// is pointed at a value an aborted transaction wrote must be reported as G1a.
func (h *history) mustCatch(t *testing.T) {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	aborted := map[string]string{} // key → a value an aborted txn wrote
	for _, x := range h.txns {
		for _, w := range x.Writes {
			if x.Status == sicheck.Aborted && !w.Delete {
				aborted[w.Key] = w.Value
			}
		}
	}
	bad := append([]sicheck.Txn(nil), h.txns...)
	for i := range bad {
		for j, r := range bad[i].Reads {
			v, ok := aborted[r.Key]
			if !ok || bad[i].Status != sicheck.Committed {
				continue
			}
			bad[i].Reads = append([]sicheck.Read(nil), bad[i].Reads...)
			bad[i].Reads[j] = sicheck.Read{Key: r.Key, Value: v, Found: true}
			as, err := sicheck.Check(bad)
			if err != nil || sicheck.Kinds(as)[sicheck.G1a] == 0 {
				t.Errorf("a read of aborted value %q of %s planted in txn %d went unreported: %v, %v", v, r.Key, bad[i].ID, as, err)
			}
			return
		}
	}
	t.Error("no committed read of a key an aborted txn wrote: nothing to plant")
}
