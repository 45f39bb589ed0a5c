package scheduler

import (
	"sync"

	"github.com/gee-project/gee/kv/proto/metapb"
)

// regionSaver batches region meta writes: heartbeats only mark regions dirty, and a loop writes
// them in one synced batch per interval. Region metas are a cache of what the stores hold (they
// report again after a restart), so losing the last interval in a crash costs a re-report, not
// correctness; ids and timestamps, which must never repeat, are written synchronously instead.
type regionSaver struct {
	st    *storage
	mu    sync.Mutex
	dirty map[uint64]*metapb.Region // nil value: delete
	write sync.Mutex                // one batch at a time, so an older batch never lands after a newer one
}

func newRegionSaver(st *storage) *regionSaver {
	return &regionSaver{st: st, dirty: make(map[uint64]*metapb.Region)}
}

func (r *regionSaver) put(m *metapb.Region) {
	r.mu.Lock()
	r.dirty[m.GetId()] = m
	r.mu.Unlock()
}

func (r *regionSaver) remove(id uint64) {
	r.mu.Lock()
	r.dirty[id] = nil
	r.mu.Unlock()
}

// flush writes everything marked so far; on failure the batch is marked dirty again
// unless a newer change to the same region arrived meanwhile.
func (r *regionSaver) flush() error {
	r.write.Lock()
	defer r.write.Unlock()
	r.mu.Lock()
	batch := r.dirty
	r.dirty = make(map[uint64]*metapb.Region)
	r.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	err := r.st.saveRegions(batch)
	if err != nil {
		r.mu.Lock()
		for id, m := range batch {
			if _, newer := r.dirty[id]; !newer {
				r.dirty[id] = m
			}
		}
		r.mu.Unlock()
	}
	return err
}
