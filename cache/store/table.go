package store

import "sync/atomic"

// table is an open-addressing hash table whose slots are atomic pointers,
// so readers probe it without any lock or write. Writers hold the shard's
// mutex; a full table is replaced by a larger copy published atomically.
// Deleted slots hold the tombstone so probe chains stay intact.
type table[V any] struct {
	slots []atomic.Pointer[entry[V]]
	mask  uint64
	used  int // live + tombstones; guarded by the shard mutex
	live  int
}

const minSlots = 16

func newTable[V any](slots int) *table[V] {
	n := minSlots
	for n < slots {
		n <<= 1
	}
	return &table[V]{slots: make([]atomic.Pointer[entry[V]], n), mask: uint64(n - 1)}
}

// start spreads the hash's high bits over the slots; the low bits chose
// the shard.
func (t *table[V]) start(h uint64) uint64 { return (h >> 7) & t.mask }

// find returns the live entry for key, lock-free.
func (t *table[V]) find(h uint64, key string, tomb *entry[V]) *entry[V] {
	for i := t.start(h); ; i = (i + 1) & t.mask {
		e := t.slots[i].Load()
		if e == nil {
			return nil
		}
		if e != tomb && e.Hash == h && e.Key == key {
			return e
		}
	}
}

// slotOf returns the index holding key, or -1.
func (t *table[V]) slotOf(h uint64, key string, tomb *entry[V]) int {
	for i := t.start(h); ; i = (i + 1) & t.mask {
		e := t.slots[i].Load()
		if e == nil {
			return -1
		}
		if e != tomb && e.Hash == h && e.Key == key {
			return int(i)
		}
	}
}

// insert places e in the first free slot of its chain, reusing a
// tombstone; the key must not be present. Caller ensures free space.
func (t *table[V]) insert(e *entry[V], tomb *entry[V]) {
	for i := t.start(e.Hash); ; i = (i + 1) & t.mask {
		switch t.slots[i].Load() {
		case nil:
			t.used++
			fallthrough
		case tomb:
			t.slots[i].Store(e)
			t.live++
			return
		}
	}
}
