package tracing

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/gee-project/gee/cache"
)

type fakePeer struct {
	addr string
	fail error
	mu   sync.Mutex
	ops  []string
}

func (f *fakePeer) note(op string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ops = append(f.ops, op)
	return f.fail
}

func (f *fakePeer) Get(_ context.Context, _, key string) ([]byte, float64, time.Time, error) {
	return []byte("remote:" + key), 0, time.Time{}, f.note("get")
}
func (f *fakePeer) Set(context.Context, string, string, []byte, time.Time) error {
	return f.note("set")
}
func (f *fakePeer) Remove(context.Context, string, string) error { return f.note("remove") }
func (f *fakePeer) Addr() string                                 { return f.addr }

// ownerFirst makes the first peer own every key.
type ownerFirst struct{ peers []cache.Peer }

func (o ownerFirst) PickPeer(string) (cache.Peer, bool) { return o.peers[0], true }
func (o ownerFirst) Peers() []cache.Peer                { return o.peers }

func TestSpansAroundPeerCalls(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	owner, other := &fakePeer{addr: "http://owner"}, &fakePeer{addr: "http://other"}
	g := cache.NewGroup("g", 1<<20, cache.GetterFunc(func(context.Context, string) ([]byte, time.Time, error) {
		return []byte("local"), time.Time{}, nil
	}))
	g.SetPeers(Picker(ownerFirst{[]cache.Peer{owner, other}}, tp))
	ctx := context.Background()
	if v, err := g.Get(ctx, "key"); err != nil || v.String() != "remote:key" {
		t.Fatalf("Get = %q, %v", v.String(), err)
	}
	if err := g.Set(ctx, "key", []byte("v"), time.Time{}); err != nil {
		t.Fatal(err)
	}
	// Set goes to the owner and drops the copy at every other peer only:
	// wrapped peers must keep their identity for that comparison.
	if len(owner.ops) != 2 || owner.ops[1] != "set" || len(other.ops) != 1 || other.ops[0] != "remove" {
		t.Fatalf("owner ops %v, other ops %v", owner.ops, other.ops)
	}
	var names []string
	for _, s := range rec.Ended() {
		names = append(names, s.Name())
	}
	if len(names) != 3 || names[0] != "geecache.peer.get" {
		t.Fatalf("spans %v", names)
	}
	attrs := map[string]string{}
	for _, a := range rec.Ended()[0].Attributes() {
		attrs[string(a.Key)] = a.Value.String()
	}
	if attrs["geecache.group"] != "g" || attrs["geecache.peer"] != "http://owner" || attrs["geecache.key_bytes"] != "3" {
		t.Fatalf("get span attributes %v", attrs)
	}

	owner.fail = errors.New("connection refused")
	g.Get(ctx, "other-key") // falls back to a local load
	last := rec.Ended()[len(rec.Ended())-1]
	if last.Status().Code != codes.Error || len(last.Events()) == 0 {
		t.Fatalf("failed peer get: status %v events %d, want an error span", last.Status(), len(last.Events()))
	}
}
