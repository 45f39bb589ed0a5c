package cluster

import (
	"io"
	"log/slog"

	"github.com/gee-project/gee/kv/raftstore"
)

// Raftstore returns a StoreFactory building real raftstore stores. tune, when non-nil,
// adjusts each store's config after the harness knobs are applied; logs go to logw at
// warning level and above (nil discards them).
func Raftstore(logw io.Writer, tune func(*raftstore.Config)) StoreFactory {
	if logw == nil {
		logw = io.Discard
	}
	return func(sc StoreConfig) (Store, error) {
		cfg := raftstore.Config{
			StoreID:             sc.StoreID,
			Resolver:            sc.Resolve,
			TickInterval:        sc.TickInterval,
			ElectionTicks:       sc.ElectionTicks,
			HeartbeatTicks:      sc.HeartbeatTicks,
			RaftLogGCCountLimit: sc.LogGCCountLimit,
			Logger: slog.New(slog.NewTextHandler(logw, &slog.HandlerOptions{Level: slog.LevelWarn})).
				With("store", sc.StoreID),
		}
		if sc.RegionSplitSize > 0 && sc.IDs != nil {
			cfg.IDAllocator, cfg.RegionSplitSize, cfg.SplitCheckInterval = sc.IDs, sc.RegionSplitSize, sc.SplitCheckInterval
		}
		if sc.GCTickInterval > 0 {
			cfg.RaftLogGCTickInterval = sc.GCTickInterval
		}
		if tune != nil {
			tune(&cfg)
		}
		st, err := raftstore.NewStore(cfg, sc.Engine, sc.Trans)
		if err != nil {
			return nil, err
		}
		if err := st.Bootstrap(sc.Region); err != nil {
			st.Stop()
			return nil, err
		}
		return st, nil
	}
}
