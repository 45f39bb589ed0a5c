// Package tracing puts OpenTelemetry spans around a Group's remote peer
// calls (get, set, remove). It is optional: it decorates the PeerPicker,
// so a group without it pays nothing.
//
//	pool.Register(g)
//	g.SetPeers(tracing.Picker(pool, otel.GetTracerProvider()))
package tracing

import (
	"context"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/gee-project/gee/cache"
)

const scope = "github.com/gee-project/gee/cache/tracing"

// Picker returns p with every peer call in a span named
// "geecache.peer.get", ".set" or ".remove", carrying the group, the peer's
// address and the key's length (keys may be private, so not the key).
func Picker(p cache.PeerPicker, tp trace.TracerProvider) cache.PeerPicker {
	return &picker{inner: p, tracer: tp.Tracer(scope)}
}

type picker struct {
	inner  cache.PeerPicker
	tracer trace.Tracer
	peers  sync.Map // cache.Peer -> *peer, so each peer keeps one identity
}

func (p *picker) wrap(in cache.Peer) cache.Peer {
	if w, ok := p.peers.Load(in); ok {
		return w.(*peer)
	}
	w, _ := p.peers.LoadOrStore(in, &peer{inner: in, tracer: p.tracer})
	return w.(*peer)
}

// PickPeer implements cache.PeerPicker.
func (p *picker) PickPeer(key string) (cache.Peer, bool) {
	in, ok := p.inner.PickPeer(key)
	if !ok || in == nil {
		return nil, false
	}
	return p.wrap(in), true
}

// Peers implements cache.PeerPicker.
func (p *picker) Peers() []cache.Peer {
	in := p.inner.Peers()
	out := make([]cache.Peer, len(in))
	for i, x := range in {
		out[i] = p.wrap(x)
	}
	return out
}

type peer struct {
	inner  cache.Peer
	tracer trace.Tracer
}

func (p *peer) start(ctx context.Context, op, group, key string) (context.Context, trace.Span) {
	return p.tracer.Start(ctx, "geecache.peer."+op, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("geecache.group", group), attribute.String("geecache.peer", p.inner.Addr()),
			attribute.Int("geecache.key_bytes", len(key))))
}

func end(span trace.Span, err error) {
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	span.End()
}

// Get implements cache.Peer.
func (p *peer) Get(ctx context.Context, group, key string) ([]byte, float64, time.Time, error) {
	ctx, span := p.start(ctx, "get", group, key)
	v, qps, exp, err := p.inner.Get(ctx, group, key)
	span.SetAttributes(attribute.Int("geecache.value_bytes", len(v)))
	end(span, err)
	return v, qps, exp, err
}

// Set implements cache.Peer.
func (p *peer) Set(ctx context.Context, group, key string, value []byte, expire time.Time) error {
	ctx, span := p.start(ctx, "set", group, key)
	err := p.inner.Set(ctx, group, key, value, expire)
	end(span, err)
	return err
}

// Remove implements cache.Peer.
func (p *peer) Remove(ctx context.Context, group, key string) error {
	ctx, span := p.start(ctx, "remove", group, key)
	err := p.inner.Remove(ctx, group, key)
	end(span, err)
	return err
}

// Addr implements cache.Peer.
func (p *peer) Addr() string { return p.inner.Addr() }
