package engine

import (
	"fmt"

	"github.com/cockroachdb/pebble/v2"
)

// Snapshot is a consistent, read-only view of the engine at one instant.
type Snapshot struct {
	s *pebble.Snapshot
}

// Get returns a copy of key's value in cf as of the snapshot, or ErrNotFound.
func (s *Snapshot) Get(cf string, key []byte) ([]byte, error) { return getFrom(s.s, DataKey(cf, key)) }

// GetRaw returns a copy of an engine key's value as of the snapshot, or ErrNotFound.
func (s *Snapshot) GetRaw(key []byte) ([]byte, error) { return getFrom(s.s, key) }

// NewIterator iterates engine keys [lo, hi) as of the snapshot.
func (s *Snapshot) NewIterator(lo, hi []byte) (*Iterator, error) { return newIter(s.s, lo, hi) }

// NewCFIterator iterates user keys [start, end) of cf (empty end: to the end of cf).
// Keys it returns are user keys, without the column family prefix.
func (s *Snapshot) NewCFIterator(cf string, start, end []byte) (*Iterator, error) {
	if !ValidCF(cf) {
		_, err := cfPrefix(cf)
		return nil, err
	}
	lo, hi := DataRange(cf, start, end)
	it, err := newIter(s.s, lo, hi)
	if err != nil {
		return nil, err
	}
	it.prefix = lo[:1]
	return it, nil
}

// Close releases the snapshot.
func (s *Snapshot) Close() error { return s.s.Close() }

// Iterator walks keys in ascending order within fixed bounds.
// The slices it returns are valid only until the next move.
type Iterator struct {
	it     *pebble.Iterator
	prefix []byte // column family prefix stripped from keys; nil for engine-key iterators
}

func newIter(r pebble.Reader, lo, hi []byte) (*Iterator, error) {
	it, err := r.NewIter(&pebble.IterOptions{LowerBound: lo, UpperBound: hi})
	if err != nil {
		return nil, fmt.Errorf("engine: iterator: %w", err)
	}
	it.First()
	return &Iterator{it: it}, nil
}

// Valid reports whether the iterator is at a key.
func (i *Iterator) Valid() bool { return i.it.Valid() }

// Next moves to the next key.
func (i *Iterator) Next() { i.it.Next() }

// Seek moves to the first key >= key (a user key for a column family iterator).
func (i *Iterator) Seek(key []byte) {
	if i.prefix == nil {
		i.it.SeekGE(key)
		return
	}
	i.it.SeekGE(append(append([]byte(nil), i.prefix...), key...))
}

// Key returns the current key.
func (i *Iterator) Key() []byte { return i.it.Key()[len(i.prefix):] }

// Value returns the current value.
func (i *Iterator) Value() []byte { return i.it.Value() }

// Err returns the first error the iterator met.
func (i *Iterator) Err() error { return i.it.Error() }

// Close releases the iterator.
func (i *Iterator) Close() error { return i.it.Close() }
