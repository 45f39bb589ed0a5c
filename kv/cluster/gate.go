package cluster

import (
	"context"
	"sync"

	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/storage"
)

// gate tracks calls into one store incarnation's storage, so Crash can refuse new calls
// and wait for the ones in flight (and the readers they opened) before closing the
// engine: a process that dies takes its callers with it, an in-process store must not
// leave them touching a closed engine.
type gate struct {
	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup
}

func (g *gate) enter() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.wg.Add(1)
	return true
}

func (g *gate) leave() { g.wg.Done() }

// shut refuses new calls; drain then waits for the calls in flight.
func (g *gate) shut() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
}

func (g *gate) drain() { g.wg.Wait() }

// gatedStorage is a store's Storage behind its gate.
type gatedStorage struct {
	g *gate
	s storage.Storage
}

func (gs gatedStorage) Start() error { return nil }
func (gs gatedStorage) Stop() error  { return nil }

func (gs gatedStorage) Write(ctx context.Context, kvctx *kvrpcpb.Context, batch []storage.Modify) error {
	if !gs.g.enter() {
		return errDown
	}
	defer gs.g.leave()
	return gs.s.Write(ctx, kvctx, batch)
}

func (gs gatedStorage) Reader(ctx context.Context, kvctx *kvrpcpb.Context) (storage.Reader, error) {
	if !gs.g.enter() {
		return nil, errDown
	}
	r, err := gs.s.Reader(ctx, kvctx)
	if err != nil {
		gs.g.leave()
		return nil, err
	}
	return &gatedReader{Reader: r, g: gs.g}, nil
}

// gatedReader holds the gate open until it is closed.
type gatedReader struct {
	storage.Reader
	g    *gate
	once sync.Once
}

func (r *gatedReader) Close() {
	r.once.Do(func() {
		r.Reader.Close()
		r.g.leave()
	})
}
