package cluster

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"sync"
	"sync/atomic"
	"time"
)

// OpTimeout bounds one client attempt; an attempt cut off by it is ambiguous for a write.
const OpTimeout = 3 * time.Second

// Stats counts what a workload did.
type Stats struct {
	Acked     atomic.Int64 // writes acknowledged
	Ambiguous atomic.Int64 // write attempts that failed ambiguously
	Reads     atomic.Int64 // reads answered
	Failed    atomic.Int64 // attempts that failed with nothing applied
}

func (s *Stats) String() string {
	return fmt.Sprintf("%d writes acked, %d ambiguous, %d reads, %d failed attempts",
		s.Acked.Load(), s.Ambiguous.Load(), s.Reads.Load(), s.Failed.Load())
}

// Recorder runs operations of one client against a KVClient and records them.
type Recorder struct {
	KV     KVClient
	Hist   *History
	Client int
	Stats  *Stats
}

func opCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, OpTimeout)
}

// Put records one put attempt; it reports whether it was acknowledged and whether the
// failure (if any) was ambiguous.
func (r *Recorder) Put(ctx context.Context, part, key, value string) (acked, ambiguous bool) {
	return r.write(ctx, Input{Kind: OpPut, Part: part, Key: key, Value: value})
}

// Delete records one delete attempt, like Put.
func (r *Recorder) Delete(ctx context.Context, part, key string) (acked, ambiguous bool) {
	return r.write(ctx, Input{Kind: OpDelete, Part: part, Key: key})
}

func (r *Recorder) write(ctx context.Context, in Input) (acked, ambiguous bool) {
	octx, cancel := opCtx(ctx)
	defer cancel()
	p := r.Hist.Begin(r.Client, in)
	var err error
	if in.Kind == OpPut {
		err = r.KV.Put(octx, in.Key, in.Value)
	} else {
		err = r.KV.Delete(octx, in.Key)
	}
	switch {
	case err == nil:
		p.Ok(Output{})
		r.Stats.Acked.Add(1)
		return true, false
	case IsAmbiguous(err):
		p.Unknown()
		r.Stats.Ambiguous.Add(1)
		return false, true
	default:
		p.Fail()
		r.Stats.Failed.Add(1)
		return false, false
	}
}

// Get records one get; ok is false when it failed (and was left out of the history).
func (r *Recorder) Get(ctx context.Context, part, key string) (value string, found, ok bool) {
	octx, cancel := opCtx(ctx)
	defer cancel()
	p := r.Hist.Begin(r.Client, Input{Kind: OpGet, Part: part, Key: key})
	v, f, err := r.KV.Get(octx, key)
	if err != nil {
		p.Fail()
		r.Stats.Failed.Add(1)
		return "", false, false
	}
	p.Ok(Output{Found: f, Value: v})
	r.Stats.Reads.Add(1)
	return v, f, true
}

// Scan records one scan of [start, end) within part.
func (r *Recorder) Scan(ctx context.Context, part, start, end string, limit int) ([]KV, bool) {
	octx, cancel := opCtx(ctx)
	defer cancel()
	p := r.Hist.Begin(r.Client, Input{Kind: OpScan, Part: part, Key: start, End: end, Limit: limit})
	kvs, err := r.KV.Scan(octx, start, end, limit)
	if err != nil {
		p.Fail()
		r.Stats.Failed.Add(1)
		return nil, false
	}
	p.Ok(Output{Pairs: kvs})
	r.Stats.Reads.Add(1)
	return kvs, true
}

// GenericKey is client's seq-th key in the generic workload; zero padding keeps key order
// equal to write order.
func GenericKey(client, seq int) string { return fmt.Sprintf("%s%08d", GenericPrefix(client), seq) }

// GenericPrefix is the key prefix client owns in the generic workload.
func GenericPrefix(client int) string { return fmt.Sprintf("c%03d/", client) }

// GenericValue is the value written under GenericKey(client, seq).
func GenericValue(client, seq int) string { return fmt.Sprintf("x %d %d y", client, seq) }

// GenericState is one client's acknowledged writes in the generic workload, carried
// across rounds.
type GenericState struct {
	Client int
	Next   int          // next sequence number to write
	Acked  map[int]bool // sequence numbers acknowledged
	Maybe  map[int]bool // ambiguous and never acknowledged: may or may not exist
}

// NewGenericState returns the empty state of client.
func NewGenericState(client int) *GenericState {
	return &GenericState{Client: client, Acked: map[int]bool{}, Maybe: map[int]bool{}}
}

// RunGeneric is the course-style check for one client until ctx ends: write the next
// unique key (retrying an ambiguous put with the same value), then scan the client's
// prefix; every scan must hold exactly the acknowledged keys, in order, plus possibly keys
// whose put was ambiguous. It returns the first mismatch.
func RunGeneric(ctx context.Context, r *Recorder, st *GenericState) error {
	prefix := GenericPrefix(st.Client)
	end := prefix[:len(prefix)-1] + string(rune(prefix[len(prefix)-1]+1))
	for ctx.Err() == nil {
		seq := st.Next
		key, val := GenericKey(st.Client, seq), GenericValue(st.Client, seq)
		acked := false
		for ctx.Err() == nil {
			ok, amb := r.Put(ctx, prefix, key, val)
			if ok {
				acked = true
				break
			}
			if amb {
				st.Maybe[seq] = true
			}
			_ = sleepCtx(ctx, backoff) // each failed attempt is recorded; don't spin
		}
		if !acked {
			return nil
		}
		delete(st.Maybe, seq)
		st.Acked[seq] = true
		st.Next++
		kvs, ok := r.Scan(ctx, prefix, prefix, end, 0)
		if !ok {
			continue
		}
		if err := st.checkScan(kvs); err != nil {
			return err
		}
	}
	return nil
}

// checkScan compares one scan of the client's prefix with its acknowledged writes.
func (st *GenericState) checkScan(kvs []KV) error {
	seen := make(map[int]bool, len(kvs))
	prev := ""
	for _, kv := range kvs {
		if kv.Key <= prev {
			return fmt.Errorf("client %d: scan out of order: %q after %q", st.Client, kv.Key, prev)
		}
		prev = kv.Key
		var seq int
		if _, err := fmt.Sscanf(kv.Key[len(GenericPrefix(st.Client)):], "%d", &seq); err != nil {
			return fmt.Errorf("client %d: scan returned foreign key %q", st.Client, kv.Key)
		}
		if kv.Key != GenericKey(st.Client, seq) || kv.Value != GenericValue(st.Client, seq) {
			return fmt.Errorf("client %d: scan returned %q = %q, want value %q", st.Client, kv.Key, kv.Value, GenericValue(st.Client, seq))
		}
		if !st.Acked[seq] && !st.Maybe[seq] {
			return fmt.Errorf("client %d: scan returned %q, which was never written", st.Client, kv.Key)
		}
		seen[seq] = true
	}
	for seq := range st.Acked {
		if !seen[seq] {
			return fmt.Errorf("client %d: acknowledged write %q is missing from a scan (%d pairs)", st.Client, GenericKey(st.Client, seq), len(kvs))
		}
	}
	return nil
}

// RunContention drives one client on a small shared key set until ctx ends: puts of
// unique values, gets and deletes, each key its own model partition.
func RunContention(ctx context.Context, r *Recorder, keys int, rng *rand.Rand) {
	for n := 0; ctx.Err() == nil; n++ {
		key := fmt.Sprintf("k%02d", rng.Intn(keys))
		ok := false
		switch x := rng.Intn(10); {
		case x < 5:
			ok, _ = r.Put(ctx, key, key, fmt.Sprintf("v%d.%d", r.Client, n))
		case x < 9:
			_, _, ok = r.Get(ctx, key, key)
		default:
			ok, _ = r.Delete(ctx, key, key)
		}
		if !ok {
			_ = sleepCtx(ctx, backoff) // each failed attempt is recorded; don't spin
		}
	}
}

// Workload runs clients concurrently against KVClients from newClient and collects the
// first error of each.
type Workload struct {
	Hist    *History
	Stats   Stats
	Generic []*GenericState // per client, kept across rounds
}

// NewWorkload returns a workload with a fresh history.
func NewWorkload() *Workload { return &Workload{Hist: NewHistory()} }

// RunGenericRound runs n generic clients until ctx ends and returns the joined errors.
// Client states persist across rounds so later rounds check earlier writes too.
func (w *Workload) RunGenericRound(ctx context.Context, n int, newClient func(i int) KVClient) error {
	for len(w.Generic) < n {
		w.Generic = append(w.Generic, NewGenericState(len(w.Generic)))
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r := &Recorder{KV: newClient(i), Hist: w.Hist, Client: i, Stats: &w.Stats}
			errs[i] = RunGeneric(ctx, r, w.Generic[i])
		}(i)
	}
	wg.Wait()
	return errors.Join(errs...)
}

// RunContentionRound runs n contention clients (ids offset by 100 from generic ones)
// until ctx ends.
func (w *Workload) RunContentionRound(ctx context.Context, n, keys int, seed int64, newClient func(i int) KVClient) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r := &Recorder{KV: newClient(i), Hist: w.Hist, Client: 100 + i, Stats: &w.Stats}
			RunContention(ctx, r, keys, rand.New(rand.NewSource(seed+int64(i))))
		}(i)
	}
	wg.Wait()
}

// VerifyGeneric reads every client's prefix once more (after the cluster healed) and
// checks that no acknowledged write was lost.
func (w *Workload) VerifyGeneric(ctx context.Context, kv KVClient) error {
	var errs []error
	for _, st := range w.Generic {
		r := &Recorder{KV: kv, Hist: w.Hist, Client: st.Client, Stats: &w.Stats}
		prefix := GenericPrefix(st.Client)
		end := prefix[:len(prefix)-1] + string(rune(prefix[len(prefix)-1]+1))
		kvs, ok := r.Scan(ctx, prefix, prefix, end, 0)
		if !ok {
			errs = append(errs, fmt.Errorf("client %d: final scan failed", st.Client))
			continue
		}
		if err := st.checkScan(kvs); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
