package server

import (
	"context"
	"time"

	"github.com/gee-project/gee/kv/proto/tinykvpb"
	"google.golang.org/grpc"
	"google.golang.org/grpc/keepalive"
)

// GRPCConfig tunes the gRPC server. Zero fields take the defaults below.
type GRPCConfig struct {
	// MaxRecvMsgSize bounds one request or stream message; default 32 MiB, above the
	// largest valid RawBatchPut (MaxBatchBytes plus framing) and a snapshot chunk.
	MaxRecvMsgSize int
	// ConnectionTimeout bounds a new connection's handshake; default 5 s.
	ConnectionTimeout time.Duration
	// KeepaliveMinTime is the shortest ping interval a client may use before the server
	// closes the connection as abusive; default 5 s (kv/transport pings every 10 s).
	KeepaliveMinTime time.Duration
	// KeepaliveTime and KeepaliveTimeout: the server pings an idle connection after
	// KeepaliveTime and drops it if no answer comes within KeepaliveTimeout; defaults
	// 30 s and 10 s, so a vanished peer's streams are released.
	KeepaliveTime, KeepaliveTimeout time.Duration
	// MaxConcurrentStreams bounds streams per connection; default 1024.
	MaxConcurrentStreams uint32
}

// Default gRPC settings.
const (
	DefaultMaxRecvMsgSize       = 32 << 20
	DefaultConnectionTimeout    = 5 * time.Second
	DefaultKeepaliveMinTime     = 5 * time.Second
	DefaultKeepaliveTime        = 30 * time.Second
	DefaultKeepaliveTimeout     = 10 * time.Second
	DefaultMaxConcurrentStreams = 1024
)

func (c GRPCConfig) withDefaults() GRPCConfig {
	if c.MaxRecvMsgSize <= 0 {
		c.MaxRecvMsgSize = DefaultMaxRecvMsgSize
	}
	if c.ConnectionTimeout <= 0 {
		c.ConnectionTimeout = DefaultConnectionTimeout
	}
	if c.KeepaliveMinTime <= 0 {
		c.KeepaliveMinTime = DefaultKeepaliveMinTime
	}
	if c.KeepaliveTime <= 0 {
		c.KeepaliveTime = DefaultKeepaliveTime
	}
	if c.KeepaliveTimeout <= 0 {
		c.KeepaliveTimeout = DefaultKeepaliveTimeout
	}
	if c.MaxConcurrentStreams == 0 {
		c.MaxConcurrentStreams = DefaultMaxConcurrentStreams
	}
	return c
}

// ServerOptions returns the grpc.ServerOptions for cfg.
func ServerOptions(cfg GRPCConfig) []grpc.ServerOption {
	cfg = cfg.withDefaults()
	return []grpc.ServerOption{
		grpc.MaxRecvMsgSize(cfg.MaxRecvMsgSize),
		grpc.ConnectionTimeout(cfg.ConnectionTimeout),
		grpc.MaxConcurrentStreams(cfg.MaxConcurrentStreams),
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{
			MinTime:             cfg.KeepaliveMinTime,
			PermitWithoutStream: true,
		}),
		grpc.KeepaliveParams(keepalive.ServerParameters{
			Time:    cfg.KeepaliveTime,
			Timeout: cfg.KeepaliveTimeout,
		}),
	}
}

// NewGRPCServer returns a gRPC server with s registered; the caller calls Serve.
func NewGRPCServer(s *Server, cfg GRPCConfig, extra ...grpc.ServerOption) *grpc.Server {
	opts := append(ServerOptions(cfg), grpc.ChainUnaryInterceptor(s.countUnary))
	g := grpc.NewServer(append(opts, extra...)...)
	tinykvpb.RegisterTinyKvServer(g, s)
	return g
}

// countUnary tracks unary calls in flight for DrainUnary and counts them for Stats (every
// unary RPC of the TinyKv service is a KV request: Raw* and Kv*).
func (s *Server) countUnary(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	s.stats.kvRequests.Add(1)
	s.inflight.Add(1)
	defer s.inflight.Add(-1)
	return h(ctx, req)
}

// DrainUnary waits until no unary call (client request) is being served, or ctx ends.
// Call it after grpc.Server.GracefulStop has begun, so no new call can start.
func (s *Server) DrainUnary(ctx context.Context) error {
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for s.inflight.Load() > 0 {
		select {
		case <-tick.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}
