package cluster

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/storage"
)

// captureTB is a TB that records a failure instead of failing the real test.
type captureTB struct {
	*testing.T
	mu     sync.Mutex
	failed []string
}

func (c *captureTB) Errorf(format string, args ...any) {
	c.mu.Lock()
	c.failed = append(c.failed, fmt.Sprintf(format, args...))
	c.mu.Unlock()
}

func (c *captureTB) Fatalf(format string, args ...any) {
	c.Errorf(format, args...)
	runtime.Goexit()
}

// lossyStore acknowledges every fifth write without doing it: a store that loses
// acknowledged writes.
type lossyStore struct {
	Store
	n *atomic.Int64
}

func (s lossyStore) Storage() storage.Storage { return lossyStorage{s.Store.Storage(), s.n} }

type lossyStorage struct {
	storage.Storage
	n *atomic.Int64
}

func (s lossyStorage) Write(ctx context.Context, kvctx *kvrpcpb.Context, batch []storage.Modify) error {
	if s.n.Add(1)%5 == 0 {
		return nil
	}
	return s.Storage.Write(ctx, kvctx, batch)
}

// TestScenarioCatchesLostWrites mutation-checks the scenario runner end to end: on stores
// that drop one acknowledged write in five, a short run must fail.
func TestScenarioCatchesLostWrites(t *testing.T) {
	var n atomic.Int64
	inner := factory()
	lossy := func(sc StoreConfig) (Store, error) {
		st, err := inner(sc)
		if err != nil {
			return nil, err
		}
		return lossyStore{st, &n}, nil
	}
	ct := &captureTB{T: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Scenario{Stores: 3, Clients: 2, Rounds: 1}.Run(ct, lossy)
	}()
	<-done
	if len(ct.failed) == 0 {
		t.Fatal("a store losing acknowledged writes passed the scenario")
	}
	if msg := strings.Join(ct.failed, "; "); !strings.Contains(msg, "missing") && !strings.Contains(msg, "linearizable") {
		t.Fatalf("failed for another reason: %s", msg)
	}
	t.Logf("caught: %s", ct.failed[0])
}
