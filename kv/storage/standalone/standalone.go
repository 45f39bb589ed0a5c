// Package standalone is a storage.Storage on one local engine with no replication:
// the development mode of tinykv-server. Every write is one synced, atomic batch;
// every reader is a pebble snapshot, so a reader sees exactly the writes acknowledged
// before it was opened.
package standalone

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/storage"
)

// Storage serves reads and writes straight from an engine. It is safe for concurrent use.
type Storage struct {
	eng   *engine.Engine
	owned bool // Stop closes eng

	mu      sync.RWMutex
	stopped bool
}

// ErrStopped is returned by Write and Reader after Stop.
var ErrStopped = errors.New("standalone: storage is stopped")

// New serves from eng; the caller keeps ownership and closes eng after Stop.
func New(eng *engine.Engine) *Storage { return &Storage{eng: eng} }

// Open opens an engine in dir and serves from it; Stop closes the engine.
func Open(dir string, opts engine.Options) (*Storage, error) {
	eng, err := engine.Open(dir, opts)
	if err != nil {
		return nil, err
	}
	return &Storage{eng: eng, owned: true}, nil
}

// Engine returns the engine the storage serves from.
func (s *Storage) Engine() *engine.Engine { return s.eng }

// Start is a no-op: there is nothing to recover or replicate.
func (s *Storage) Start() error { return nil }

// Stop refuses new work, waits for writes and reader creation in flight, and closes
// the engine if Open created it. Safe to call twice.
func (s *Storage) Stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return nil
	}
	s.stopped = true
	if s.owned {
		return s.eng.Close()
	}
	return nil
}

// Write applies batch atomically and returns once it is fsynced. The context and
// kvctx are not consulted: there is one region and no leader.
func (s *Storage) Write(_ context.Context, _ *kvrpcpb.Context, batch []storage.Modify) error {
	for i, m := range batch {
		if !engine.ValidCF(m.CF) {
			return fmt.Errorf("standalone: modify %d: unknown column family %q", i, m.CF)
		}
		if m.Kind != storage.ModifyPut && m.Kind != storage.ModifyDelete {
			return fmt.Errorf("standalone: modify %d: unknown kind %d", i, m.Kind)
		}
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.stopped {
		return ErrStopped
	}
	wb := s.eng.NewBatch()
	defer wb.Close()
	for _, m := range batch {
		if m.Kind == storage.ModifyPut {
			wb.Put(m.CF, m.Key, m.Value)
		} else {
			wb.Delete(m.CF, m.Key)
		}
	}
	if wb.Empty() {
		return nil
	}
	return s.eng.Write(wb, true)
}

// Reader returns a snapshot of the engine; Close it when done. A reader must be
// closed before Stop closes an owned engine.
func (s *Storage) Reader(_ context.Context, _ *kvrpcpb.Context) (storage.Reader, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.stopped {
		return nil, ErrStopped
	}
	return &reader{snap: s.eng.Snapshot()}, nil
}

type reader struct {
	snap *engine.Snapshot
}

func (r *reader) GetCF(cf string, key []byte) ([]byte, error) {
	if !engine.ValidCF(cf) {
		return nil, fmt.Errorf("standalone: unknown column family %q", cf)
	}
	v, err := r.snap.Get(cf, key)
	if errors.Is(err, engine.ErrNotFound) {
		return nil, nil
	}
	if err == nil && v == nil {
		v = []byte{} // a present, empty value is not "absent"
	}
	return v, err
}

func (r *reader) IterCF(cf string, start, end []byte) (storage.Iterator, error) {
	return r.snap.NewCFIterator(cf, start, end)
}

func (r *reader) Close() { _ = r.snap.Close() }
