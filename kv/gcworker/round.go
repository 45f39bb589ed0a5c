package gcworker

import (
	"context"

	"github.com/gee-project/gee/kv/proto/kvrpcpb"
)

// round fetches the safe point and collects every led region not yet collected at it. A failed
// region keeps its old mark, so the next round tries it again.
func (w *Worker) round(ctx context.Context) {
	sctx, cancel := context.WithTimeout(ctx, w.cfg.CallTimeout)
	sp, err := w.cfg.SafePoints.GetGCSafePoint(sctx)
	cancel()
	if err != nil {
		if ctx.Err() == nil {
			w.cfg.Logger.Warn("gc: cannot get the safe point", "err", err)
		}
		return
	}
	w.update(func(s *Stats) { s.Rounds++; s.SafePoint = sp })
	w.cfg.Collector.RaiseGCFloor(sp)
	led := w.cfg.Regions()
	still := make(map[regionVersion]bool, len(led))
	for _, r := range led {
		key := regionVersion{r.Meta.GetId(), r.Meta.GetRegionEpoch().GetVersion()}
		still[key] = true
		if sp == 0 || w.collected[key] >= sp {
			continue
		}
		if ctx.Err() != nil {
			return
		}
		if w.collect(ctx, r, sp) {
			w.collected[key] = sp
		}
	}
	for key := range w.collected {
		if !still[key] { // no longer led, or split/merged: collect afresh if it comes back
			delete(w.collected, key)
		}
	}
}

// collect runs one region's GC and reports whether it succeeded.
func (w *Worker) collect(ctx context.Context, r Region, sp uint64) bool {
	kvctx := &kvrpcpb.Context{RegionId: r.Meta.GetId(), RegionEpoch: r.Meta.GetRegionEpoch(), Peer: r.Peer}
	cctx, cancel := context.WithTimeout(ctx, w.cfg.CallTimeout)
	defer cancel()
	n, err := w.cfg.Collector.GC(cctx, kvctx, sp, r.Meta.GetStartKey(), r.Meta.GetEndKey())
	if err != nil {
		w.update(func(s *Stats) { s.Failed++ })
		if ctx.Err() == nil {
			w.cfg.Logger.Warn("gc: region failed; retrying next round", "region", r.Meta.GetId(), "safe_point", sp, "err", err)
		}
		return false
	}
	w.update(func(s *Stats) { s.Collected++; s.Removed += uint64(n) })
	w.cfg.Logger.Info("gc: region collected", "region", r.Meta.GetId(), "safe_point", sp, "removed", n)
	return true
}

func (w *Worker) update(fn func(s *Stats)) {
	w.mu.Lock()
	fn(&w.stats)
	w.mu.Unlock()
}
