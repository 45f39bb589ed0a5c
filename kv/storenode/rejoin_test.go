package storenode

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/raftstore"
	"github.com/gee-project/gee/kv/transport"
)

// TestWipedStoreRejoinsWithoutBootstrap: a store whose data directory was wiped, restarted
// with -bootstrap=false, starts without bootstrapping while the other two serve, and a
// directory started under another store id is refused.
func TestWipedStoreRejoinsWithoutBootstrap(t *testing.T) {
	addrs := freeAddrs(t, 3)
	peers := fmt.Sprintf("1=%s,2=%s,3=%s", addrs[0], addrs[1], addrs[2])
	dirs := []string{t.TempDir(), t.TempDir(), t.TempDir()}
	args := func(i int, extra ...string) []string {
		return append([]string{"-store-id", fmt.Sprint(i + 1), "-addr", addrs[i], "-data", dirs[i], "-peers", peers,
			"-tick", "20ms", "-proposal-timeout", "3s", "-shutdown-timeout", "5s"}, extra...)
	}
	var ps []*proc
	for i := range 3 {
		ps = append(ps, start(t, args(i)...))
	}
	c := newClient(t, addrs...)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := c.Put(ctx, []byte("before"), []byte("1")); err != nil {
		t.Fatal(err)
	}
	ps[2].stop(t)
	if err := os.RemoveAll(dirs[2]); err != nil {
		t.Fatal(err)
	}
	ps[2] = start(t, args(2, "-bootstrap=false")...)
	// Store 3 may have led the quiet region: the retried requests wake stores 1 and 2, which
	// elect a leader and serve without store 3.
	for end := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		err := c.Put(ctx, []byte("after"), []byte("2"))
		if err == nil {
			break
		}
		if time.Now().After(end) {
			t.Fatalf("Put after store 3 rejoined: %v", err)
		}
	}
	// Store 1's directory under -store-id 2 is refused before anything is served.
	ps[0].stop(t)
	var out, errb strings.Builder
	bad := []string{"-store-id", "2", "-addr", addrs[0], "-data", dirs[0], "-peers", peers}
	if code := Run(ctx, bad, &out, &errb); code != 1 || !strings.Contains(errb.String(), "belongs to store 1, not -store-id 2") {
		t.Fatalf("store 1's directory as store 2: exit %d, stderr %q", code, errb.String())
	}
	if !strings.Contains(ps[2].stderr.String(), "not bootstrapping") {
		t.Fatalf("store 3 did not say it skipped the bootstrap: %s", ps[2].stderr.String())
	}
}

// TestStaticIdentity: an empty directory bootstraps region 1 only with -bootstrap; the
// store id is recorded, and the directory is refused under another id.
func TestStaticIdentity(t *testing.T) {
	open := func(dir string, id uint64, boot bool) (*raftstore.Store, error) {
		eng, err := engine.Open(dir, engine.Options{CacheSize: 1 << 20, MemTableSize: 1 << 20})
		if err != nil {
			t.Fatal(err)
		}
		trans, err := transport.New(transport.Config{Resolver: func(uint64) (string, bool) { return "", false }})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = trans.Close() })
		st, err := raftstore.NewStore(raftstore.Config{StoreID: id}, eng, trans)
		if err != nil {
			t.Fatal(err)
		}
		cfg := &config{storeID: id, dataDir: dir, bootstrap: boot, peers: map[uint64]string{1: "a:1", 2: "b:1", 3: "c:1"}}
		err = staticIdentity(cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
		st.Stop()
		_ = eng.Close()
		return st, err
	}
	dir := t.TempDir()
	if st, err := open(dir, 2, false); err != nil || len(st.Regions()) != 0 {
		t.Fatalf("-bootstrap=false on an empty dir: %v regions, %v; want none", st.Regions(), err)
	}
	if st, err := open(dir, 2, true); err != nil || len(st.Regions()) != 1 {
		t.Fatalf("-bootstrap on an empty dir: %v regions, %v; want region 1", st.Regions(), err)
	}
	if _, err := open(dir, 3, true); err == nil || !strings.Contains(err.Error(), "belongs to store 2") {
		t.Fatalf("store 2's dir as store 3: %v", err)
	}
}
