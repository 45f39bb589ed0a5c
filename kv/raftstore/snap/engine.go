package snap

import (
	"fmt"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/proto/raftserverpb"
)

// Build encodes the data of state's region in every column family, as seen by es, into a
// payload of at most limit bytes (0: no limit).
func Build(es *engine.Snapshot, state *raftserverpb.RegionLocalState, limit uint64) ([]byte, error) {
	enc, err := NewEncoder(state, limit)
	if err != nil {
		return nil, err
	}
	region := state.GetRegion()
	for _, cf := range engine.CFs {
		if err := addCF(enc, es, cf, region.GetStartKey(), region.GetEndKey()); err != nil {
			return nil, err
		}
	}
	return enc.Finish()
}

func addCF(enc *Encoder, es *engine.Snapshot, cf string, start, end []byte) error {
	it, err := es.NewCFIterator(cf, start, end)
	if err != nil {
		return err
	}
	defer it.Close()
	for ; it.Valid(); it.Next() {
		if err := enc.Add(cf, it.Key(), it.Value()); err != nil {
			return err
		}
	}
	if err := it.Err(); err != nil {
		return fmt.Errorf("snap: read %s: %w", cf, err)
	}
	return nil
}

// Install adds to wb the writes that replace the region's data with the snapshot's: a
// range deletion of the region's keys in every column family, then every pair. Written in
// one batch with the region's apply and raft state, a crash leaves either the old data or
// the whole snapshot, never a mix. Decode already checked every key lies in the region.
func (s *Snapshot) Install(wb *engine.WriteBatch) error {
	region := s.State.GetRegion()
	for _, cf := range engine.CFs {
		lo, hi := engine.DataRange(cf, region.GetStartKey(), region.GetEndKey())
		wb.DeleteRange(lo, hi)
	}
	return s.ForEach(func(cf string, key, value []byte) error {
		wb.Put(cf, key, value)
		return nil
	})
}

func inRange(key, start, end []byte) bool {
	return string(key) >= string(start) && (len(end) == 0 || string(key) < string(end))
}
