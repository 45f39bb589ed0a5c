// Package gcworker removes old MVCC versions on a store: every interval it asks the scheduler
// for the cluster's GC safe point and, once the safe point has moved past what a region was last
// collected at, has the store's transaction executor collect each region this store leads.
// Only leaders collect, so each region is collected once per safe point through its Raft log.
package gcworker

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/proto/metapb"
)

// SafePoints gives the cluster's GC safe point; *schedclient.Client satisfies it.
type SafePoints interface {
	GetGCSafePoint(ctx context.Context) (uint64, error)
}

// Collector removes, in one region's [start, end), the versions no read at or after safePoint can
// see, and returns how many records it removed; *txn.Executor satisfies it. RaiseGCFloor tells it
// the cluster's safe point each round, before any collection: another store may already have
// collected at it (a region led elsewhere until now, or this store restarted), so transactions
// that started at or below it must no longer prewrite here.
type Collector interface {
	GC(ctx context.Context, kvctx *kvrpcpb.Context, safePoint uint64, start, end []byte) (int, error)
	RaiseGCFloor(safePoint uint64)
}

// Region is one region this store leads: its meta (range and epoch) and this store's peer.
type Region struct {
	Meta *metapb.Region
	Peer *metapb.Peer
}

// Config configures a Worker. SafePoints, Collector and Regions are required.
type Config struct {
	SafePoints SafePoints
	Collector  Collector
	// Regions lists the regions this store leads now (RaftstoreRegions adapts a raftstore).
	Regions func() []Region
	// Interval is how often the safe point is checked; default DefaultInterval.
	Interval time.Duration
	// CallTimeout bounds the safe point request and each region's collection; default 1 min.
	CallTimeout time.Duration
	// Logger gets one line per collected region and every error; nil discards them.
	Logger *slog.Logger
}

// DefaultInterval is how often a store checks the safe point unless configured.
const DefaultInterval = time.Minute

// Stats counts what the worker did, for tests and logs.
type Stats struct {
	Rounds    uint64 // safe point checks that got an answer
	Collected uint64 // region collections that succeeded
	Failed    uint64 // region collections that failed (retried next round)
	Removed   uint64 // records removed in all
	SafePoint uint64 // the last safe point the scheduler answered
}

// Worker runs the GC loop; Stop ends it.
type Worker struct {
	cfg    Config
	cancel context.CancelFunc
	done   chan struct{}

	// collected (by region id and epoch version: a split or merge changes the range) is the safe point
	// each region was last collected at. Only the loop goroutine touches it.
	collected map[regionVersion]uint64

	mu    sync.Mutex
	stats Stats
}

type regionVersion struct{ id, version uint64 }

// Start checks cfg and starts the loop; its first round runs at once.
func Start(cfg Config) (*Worker, error) {
	if cfg.SafePoints == nil || cfg.Collector == nil || cfg.Regions == nil {
		return nil, errors.New("gcworker: Config needs SafePoints, Collector and Regions")
	}
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultInterval
	}
	if cfg.CallTimeout <= 0 {
		cfg.CallTimeout = time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	ctx, cancel := context.WithCancel(context.Background())
	w := &Worker{cfg: cfg, cancel: cancel, done: make(chan struct{}), collected: map[regionVersion]uint64{}}
	go w.loop(ctx)
	return w, nil
}

// Stop cancels the round in progress (a region's collection is cut off at its next storage call)
// and waits for the loop to end. Safe to call more than once.
func (w *Worker) Stop() {
	w.cancel()
	<-w.done
}

// Stats returns the counters so far.
func (w *Worker) Stats() Stats {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.stats
}

func (w *Worker) loop(ctx context.Context) {
	defer close(w.done)
	t := time.NewTicker(w.cfg.Interval)
	defer t.Stop()
	for {
		w.round(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
