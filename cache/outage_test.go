package cache

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestOwnerOutageIsLoggedOncePerOutage(t *testing.T) {
	var logs bytes.Buffer
	fp := &fakePeer{fail: errors.New("connection refused")}
	g, err := NewGroupWithOptions("g", 1<<20, &countingGetter{},
		Options{Logger: slog.New(slog.NewTextHandler(&logs, nil)), HotCacheBytes: -1})
	if err != nil {
		t.Fatal(err)
	}
	g.SetPeers(remoteAll{fp})
	for _, k := range []string{"a", "b", "c"} {
		if _, err := g.Get(ctx, k); err != nil {
			t.Fatalf("Get(%s) with the owner down: %v", k, err)
		}
	}
	fp.mu.Lock()
	fp.fail = nil
	fp.mu.Unlock()
	for _, k := range []string{"d", "e"} {
		g.Get(ctx, k)
	}
	out := logs.String()
	if strings.Count(out, "level=WARN") != 1 || !strings.Contains(out, `owner=fake err="connection refused"`) ||
		strings.Count(out, `level=INFO msg="cache: owner answers again" group=g owner=fake`) != 1 {
		t.Errorf("want one WARN naming the owner and error, then one INFO:\n%s", out)
	}
}

func TestGroupIsSilentWithoutLogger(t *testing.T) {
	fp := &fakePeer{fail: errors.New("down")}
	g := NewGroup("g", 1<<20, &countingGetter{})
	g.SetPeers(remoteAll{fp})
	g.Get(ctx, "a")
	n := 0
	g.down.Range(func(any, any) bool { n++; return true })
	if n != 0 {
		t.Errorf("without a Logger the group tracked %d outages", n)
	}
}
