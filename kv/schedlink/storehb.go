package schedlink

import (
	"context"
	"syscall"
	"time"

	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
	"github.com/gee-project/gee/kv/schedclient"
)

func (l *Link) storeHeartbeatLoop() {
	defer l.wg.Done()
	t := time.NewTicker(l.cfg.StoreHeartbeatInterval)
	defer t.Stop()
	for {
		select {
		case <-l.ctx.Done():
			return
		case <-t.C:
			l.sendStoreHeartbeat()
		}
	}
}

// storeStats gathers this store's statistics; used size is the sum of the approximate
// sizes its led regions last reported (followers' sizes are not known here).
func (l *Link) storeStats() *pb.StoreStats {
	st := l.getStore()
	s := &pb.StoreStats{StoreId: l.cfg.StoreID, StartTime: uint32(l.start.Unix()),
		IsBusy: len(l.sem) == cap(l.sem)}
	if st != nil {
		s.RegionCount = uint32(len(st.Regions()))
	}
	if l.cfg.Counters != nil {
		s.KvRequests, s.KvCommits = l.cfg.Counters()
	}
	l.mu.Lock()
	for _, sz := range l.sizes {
		s.UsedSize += sz
	}
	l.mu.Unlock()
	if l.cfg.DataDir != "" {
		var fs syscall.Statfs_t
		if err := syscall.Statfs(l.cfg.DataDir, &fs); err == nil {
			s.Capacity = fs.Blocks * uint64(fs.Bsize)
			s.Available = fs.Bavail * uint64(fs.Bsize)
		}
	}
	return s
}

func (l *Link) sendStoreHeartbeat() {
	ctx, cancel := context.WithTimeout(l.ctx, l.cfg.RPCTimeout)
	defer cancel()
	err := l.cli.StoreHeartbeat(ctx, l.storeStats())
	switch {
	case err == nil || l.ctx.Err() != nil:
	case schedclient.IsType(err, pb.ErrorType_STORE_TOMBSTONE):
		if l.tombstone.CompareAndSwap(false, true) {
			l.log.Error("the scheduler refuses this store: it was drained (Tombstone) or removed; stop the process",
				"store", l.cfg.StoreID, "err", err)
			close(l.tombCh)
		}
	default:
		l.log.Warn("store heartbeat failed", "store", l.cfg.StoreID, "err", err)
	}
}

// Tombstone reports whether the scheduler has refused this store's heartbeats as a tombstone
// (drained after store-offline, or removed): the process should stop.
func (l *Link) Tombstone() bool { return l.tombstone.Load() }

// Tombstoned is closed once the scheduler has refused this store's heartbeats as a
// tombstone: a server selects on it to stop serving (TiKV exits likewise).
func (l *Link) Tombstoned() <-chan struct{} { return l.tombCh }
