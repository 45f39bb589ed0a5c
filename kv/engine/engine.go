package engine

import (
	"errors"
	"fmt"

	"github.com/cockroachdb/pebble/v2"
)

// Options configures Open.
type Options struct {
	// CacheSize is the block cache size in bytes; 0 uses 64 MiB.
	CacheSize int64
	// MemTableSize is the size of one memtable in bytes; 0 uses 64 MiB.
	MemTableSize uint64
	// DisableWAL turns off pebble's write-ahead log: for benchmarks of the
	// in-memory path only, never for a server (a crash loses acknowledged writes).
	DisableWAL bool
}

// Engine is one store's pebble database. It is safe for concurrent use.
type Engine struct {
	db  *pebble.DB
	dir string
}

// Open opens (creating if needed) the engine in dir.
func Open(dir string, opts Options) (*Engine, error) {
	if opts.CacheSize == 0 {
		opts.CacheSize = 64 << 20
	}
	if opts.MemTableSize == 0 {
		opts.MemTableSize = 64 << 20
	}
	cache := pebble.NewCache(opts.CacheSize)
	defer cache.Unref()
	po := &pebble.Options{
		Cache:        cache,
		MemTableSize: opts.MemTableSize,
		DisableWAL:   opts.DisableWAL,
		Logger:       quietLogger{},
	}
	db, err := pebble.Open(dir, po)
	if err != nil {
		return nil, fmt.Errorf("engine: open %s: %w", dir, err)
	}
	return &Engine{db: db, dir: dir}, nil
}

// Dir returns the directory the engine lives in.
func (e *Engine) Dir() string { return e.dir }

// DB exposes the underlying pebble database (for snapshot ingestion and metrics).
func (e *Engine) DB() *pebble.DB { return e.db }

// Close flushes nothing extra and closes the database; every acknowledged synced
// write is already durable.
func (e *Engine) Close() error { return e.db.Close() }

// Get returns a copy of the value of key in cf, or nil and ErrNotFound.
func (e *Engine) Get(cf string, key []byte) ([]byte, error) {
	return e.GetRaw(DataKey(cf, key))
}

// GetRaw returns a copy of the value stored under an engine key (local or data).
func (e *Engine) GetRaw(key []byte) ([]byte, error) {
	return getFrom(e.db, key)
}

// ErrNotFound is returned by Get* when the key is absent.
var ErrNotFound = errors.New("engine: key not found")

func getFrom(r pebble.Reader, key []byte) ([]byte, error) {
	v, closer, err := r.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	out := append([]byte(nil), v...)
	return out, closer.Close()
}

// NewBatch returns an empty write batch for this engine.
func (e *Engine) NewBatch() *WriteBatch {
	return &WriteBatch{b: e.db.NewBatch()}
}

// Write commits wb atomically; with sync it is durable (fsynced) on return.
// Concurrent synced writers share fsyncs (pebble's commit pipeline).
func (e *Engine) Write(wb *WriteBatch, sync bool) error {
	opt := pebble.NoSync
	if sync {
		opt = pebble.Sync
	}
	return wb.b.Commit(opt)
}

// Snapshot returns a consistent read view; Close it when done.
func (e *Engine) Snapshot() *Snapshot {
	return &Snapshot{s: e.db.NewSnapshot()}
}

// NewIterator iterates the live database over engine keys [lo, hi).
func (e *Engine) NewIterator(lo, hi []byte) (*Iterator, error) {
	return newIter(e.db, lo, hi)
}

type quietLogger struct{}

func (quietLogger) Infof(string, ...interface{}) {}
func (quietLogger) Errorf(format string, args ...interface{}) {
	pebble.DefaultLogger.Errorf(format, args...)
}
func (quietLogger) Fatalf(format string, args ...interface{}) {
	pebble.DefaultLogger.Fatalf(format, args...)
}
