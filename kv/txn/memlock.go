package txn

import (
	"bytes"
	"context"
	"sync"
	"sync/atomic"
)

// memLocks hold the keys of one-phase commits from the moment their commit timestamp is
// taken until their write is applied (or known never to be). A read at or above such a
// transaction's start_ts waits for it: the write it cannot see yet may commit below the
// read's timestamp. Writers need no check, since the commit holds the keys' latches
// throughout.
type memLocks struct {
	n    atomic.Int64 // entries, read without mu so reads skip the map when it is empty
	mu   sync.Mutex
	keys map[string]*memLock
}

type memLock struct {
	startTS uint64
	keys    [][]byte
	done    chan struct{}
	once    sync.Once
}

// install locks keys for the transaction startTS until release is called with the result.
func (m *memLocks) install(keys [][]byte, startTS uint64) *memLock {
	l := &memLock{startTS: startTS, keys: keys, done: make(chan struct{})}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.keys == nil {
		m.keys = make(map[string]*memLock)
	}
	for _, k := range keys {
		m.keys[string(k)] = l
	}
	m.n.Add(int64(len(keys)))
	return l
}

// release removes l's keys and wakes the readers waiting on them; again, it does nothing.
func (m *memLocks) release(l *memLock) { l.once.Do(func() { m.drop(l) }) }

func (m *memLocks) drop(l *memLock) {
	m.mu.Lock()
	for _, k := range l.keys {
		if m.keys[string(k)] == l {
			delete(m.keys, string(k))
			m.n.Add(-1)
		}
	}
	m.mu.Unlock()
	close(l.done)
}

// waitKeys returns once no key of keys is held by a transaction that started at or below ts.
func (m *memLocks) waitKeys(ctx context.Context, keys [][]byte, ts uint64) error {
	return m.wait(ctx, func() *memLock {
		for _, k := range keys {
			if l := m.keys[string(k)]; l != nil && l.startTS <= ts {
				return l
			}
		}
		return nil
	})
}

// waitRange is waitKeys for the keys in [start, end) (end empty: no bound).
func (m *memLocks) waitRange(ctx context.Context, start, end []byte, ts uint64) error {
	return m.wait(ctx, func() *memLock {
		for k, l := range m.keys {
			if l.startTS <= ts && k >= string(start) && (len(end) == 0 || bytes.Compare([]byte(k), end) < 0) {
				return l
			}
		}
		return nil
	})
}

// wait waits, one lock at a time, until find (called under mu) finds none.
func (m *memLocks) wait(ctx context.Context, find func() *memLock) error {
	for m.n.Load() > 0 {
		m.mu.Lock()
		l := find()
		m.mu.Unlock()
		if l == nil {
			return nil
		}
		select {
		case <-l.done:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}
