package scheduler

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/schedulerpb"
	"google.golang.org/protobuf/proto"
)

// Key layout of the scheduler's pebble database (it holds nothing else):
//
//	"c"            ClusterConfig (cluster id, max replicas, ...)
//	"b"            bootstrapped marker (written with the first store and region)
//	"i"            id allocator high-water mark: every id handed out is below it
//	"t"            TSO high-water mark (ms): every timestamp handed out has a lower physical part
//	"g"            GC safe point (a timestamp; only ever raised)
//	"s" + id(8 BE) metapb.Store
//	"r" + id(8 BE) metapb.Region (range, epoch, peers; leader and size come back with heartbeats)
//	"x" + id(8 BE) a removed store's id (empty value): it may never register again
var (
	keyConfig       = []byte("c")
	keyBootstrapped = []byte("b")
	keyIDHighWater  = []byte("i")
	keyTSOHighWater = []byte("t")
	keyGCSafePoint  = []byte("g")
	prefixStore     = byte('s')
	prefixRegion    = byte('r')
	prefixRemoved   = byte('x')
)

// storage persists the scheduler's state in pebble through kv/engine.
type storage struct {
	eng *engine.Engine
}

func openStorage(dir string) (*storage, error) {
	eng, err := engine.Open(dir, engine.Options{CacheSize: 16 << 20, MemTableSize: 16 << 20})
	if err != nil {
		return nil, err
	}
	return &storage{eng: eng}, nil
}

func (s *storage) close() error { return s.eng.Close() }

func idKey(prefix byte, id uint64) []byte {
	k := make([]byte, 9)
	k[0] = prefix
	binary.BigEndian.PutUint64(k[1:], id)
	return k
}

func (s *storage) loadUint64(key []byte) (uint64, error) {
	v, err := s.eng.GetRaw(key)
	if errors.Is(err, engine.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if len(v) != 8 {
		return 0, fmt.Errorf("scheduler storage: key %q holds %d bytes, want 8", key, len(v))
	}
	return binary.BigEndian.Uint64(v), nil
}

// saveUint64 writes and fsyncs: high-water marks must be durable before anything below them is used.
func (s *storage) saveUint64(key []byte, v uint64) error {
	var buf [8]byte
	binary.BigEndian.PutUint64(buf[:], v)
	wb := s.eng.NewBatch()
	defer wb.Close()
	wb.PutRaw(key, buf[:])
	return s.eng.Write(wb, true)
}

func (s *storage) loadProto(key []byte, m proto.Message) (bool, error) {
	v, err := s.eng.GetRaw(key)
	if errors.Is(err, engine.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := proto.Unmarshal(v, m); err != nil {
		return false, fmt.Errorf("scheduler storage: decode %q: %w", key, err)
	}
	return true, nil
}

func putProto(wb *engine.WriteBatch, key []byte, m proto.Message) error {
	v, err := proto.Marshal(m)
	if err != nil {
		return err
	}
	wb.PutRaw(key, v)
	return nil
}

func (s *storage) loadConfig() (*schedulerpb.ClusterConfig, bool, error) {
	cfg := &schedulerpb.ClusterConfig{}
	ok, err := s.loadProto(keyConfig, cfg)
	return cfg, ok, err
}

func (s *storage) saveConfig(cfg *schedulerpb.ClusterConfig) error {
	wb := s.eng.NewBatch()
	defer wb.Close()
	if err := putProto(wb, keyConfig, cfg); err != nil {
		return err
	}
	return s.eng.Write(wb, true)
}

func (s *storage) isBootstrapped() (bool, error) {
	_, err := s.eng.GetRaw(keyBootstrapped)
	if errors.Is(err, engine.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// saveBootstrap writes the first store, the first region and the marker in one synced batch.
func (s *storage) saveBootstrap(store *metapb.Store, region *metapb.Region) error {
	wb := s.eng.NewBatch()
	defer wb.Close()
	if err := putProto(wb, idKey(prefixStore, store.GetId()), store); err != nil {
		return err
	}
	if err := putProto(wb, idKey(prefixRegion, region.GetId()), region); err != nil {
		return err
	}
	wb.PutRaw(keyBootstrapped, []byte{1})
	return s.eng.Write(wb, true)
}

func (s *storage) saveStore(store *metapb.Store) error {
	wb := s.eng.NewBatch()
	defer wb.Close()
	if err := putProto(wb, idKey(prefixStore, store.GetId()), store); err != nil {
		return err
	}
	return s.eng.Write(wb, true)
}

// removeStore deletes a store's meta and remembers its id as removed, in one synced batch.
func (s *storage) removeStore(id uint64) error {
	wb := s.eng.NewBatch()
	defer wb.Close()
	wb.DeleteRaw(idKey(prefixStore, id))
	wb.PutRaw(idKey(prefixRemoved, id), nil)
	return s.eng.Write(wb, true)
}

// loadRemoved returns the ids of removed stores.
func (s *storage) loadRemoved() (map[uint64]bool, error) {
	out := map[uint64]bool{}
	it, err := s.eng.NewIterator([]byte{prefixRemoved}, []byte{prefixRemoved + 1})
	if err != nil {
		return nil, err
	}
	defer it.Close()
	for ; it.Valid(); it.Next() {
		if k := it.Key(); len(k) == 9 {
			out[binary.BigEndian.Uint64(k[1:])] = true
		}
	}
	return out, it.Err()
}

// saveRegions writes changed regions and deletes removed ones (nil value) in one synced batch.
func (s *storage) saveRegions(regions map[uint64]*metapb.Region) error {
	wb := s.eng.NewBatch()
	defer wb.Close()
	for id, r := range regions {
		if r == nil {
			wb.DeleteRaw(idKey(prefixRegion, id))
			continue
		}
		if err := putProto(wb, idKey(prefixRegion, id), r); err != nil {
			return err
		}
	}
	return s.eng.Write(wb, true)
}

func (s *storage) loadStores() ([]*metapb.Store, error) {
	var out []*metapb.Store
	err := s.scan(prefixStore, func(v []byte) error {
		m := &metapb.Store{}
		if err := proto.Unmarshal(v, m); err != nil {
			return err
		}
		out = append(out, m)
		return nil
	})
	return out, err
}

func (s *storage) loadRegions() ([]*metapb.Region, error) {
	var out []*metapb.Region
	err := s.scan(prefixRegion, func(v []byte) error {
		m := &metapb.Region{}
		if err := proto.Unmarshal(v, m); err != nil {
			return err
		}
		out = append(out, m)
		return nil
	})
	return out, err
}

func (s *storage) scan(prefix byte, fn func(v []byte) error) error {
	it, err := s.eng.NewIterator([]byte{prefix}, []byte{prefix + 1})
	if err != nil {
		return err
	}
	defer it.Close()
	for ; it.Valid(); it.Next() {
		if err := fn(it.Value()); err != nil {
			return fmt.Errorf("scheduler storage: decode %q: %w", it.Key(), err)
		}
	}
	return it.Err()
}
