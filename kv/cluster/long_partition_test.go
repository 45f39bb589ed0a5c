//go:build long

package cluster

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/raftstore"
)

// TestLongConcurrentPartition loops the course's
// TestConfChangeSnapshotUnreliableRecoverConcurrentPartition3B mix (churn, 10 % drop,
// partitions, restarts between rounds, log GC limit 20) seed after seed until
// $KV_CLUSTER_LONG is spent. With $KV_CLUSTER_LOGDIR set, every store's debug log of a
// run goes to <dir>/seed<N>.log and is kept only when the run fails.
func TestLongConcurrentPartition(t *testing.T) {
	d := longDuration(t)
	base := ScenarioSeed()
	dir := os.Getenv("KV_CLUSTER_LOGDIR")
	start := time.Now()
	var ops, runs int
	for i := 0; time.Since(start) < d; i++ {
		sc := Scenario{Clients: 3, ConfChange: true, Drop: 0.1, Restart: true, Partitions: true, GCLimit: 20,
			Seed: base + int64(i)}
		f, path := factory(), ""
		var logf *os.File
		if dir != "" {
			path = filepath.Join(dir, fmt.Sprintf("seed%d.log", sc.Seed))
			var err error
			if logf, err = os.Create(path); err != nil {
				t.Fatal(err)
			}
			f = Raftstore(nil, func(cfg *raftstore.Config) {
				cfg.Logger = slog.New(slog.NewTextHandler(logf, &slog.HandlerOptions{Level: slog.LevelDebug})).
					With("store", cfg.StoreID)
			})
		}
		var res Result
		ok := t.Run(fmt.Sprintf("seed%d", sc.Seed), func(t *testing.T) { res = sc.Run(t, f) })
		if logf != nil {
			_ = logf.Close()
			if ok {
				_ = os.Remove(path)
			}
		}
		if !ok {
			t.Fatalf("seed %d failed after %d clean runs (log: %s)", sc.Seed, runs, path)
		}
		runs++
		ops += res.Ops
	}
	fmt.Printf("long concurrent partition: %d seeds from %d in %v, %d operations checked, 0 violations\n",
		runs, base, time.Since(start).Round(time.Second), ops)
}
