package scheduler

import (
	"time"

	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
	"google.golang.org/grpc"
	"google.golang.org/grpc/keepalive"
)

// GRPCConfig tunes the gRPC server. Zero fields take the defaults below.
type GRPCConfig struct {
	// MaxRecvMsgSize bounds one request; default 4 MiB (a region heartbeat with 16 peers and
	// 8 KiB keys is far below it).
	MaxRecvMsgSize int
	// MaxSendMsgSize bounds one response; default 16 MiB (ScanRegions stops at Limits.MaxScanBytes).
	MaxSendMsgSize int
	// ConnectionTimeout bounds a new connection's handshake; default 5 s.
	ConnectionTimeout time.Duration
	// KeepaliveMinTime: clients pinging more often are dropped; default 5 s.
	KeepaliveMinTime time.Duration
	// KeepaliveTime/KeepaliveTimeout: idle connections are pinged after 30 s and dropped 10 s
	// later without an answer, so a vanished store's streams are released.
	KeepaliveTime, KeepaliveTimeout time.Duration
	// MaxConcurrentStreams per connection; default 1,024.
	MaxConcurrentStreams uint32
}

func (c GRPCConfig) withDefaults() GRPCConfig {
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	if c.MaxRecvMsgSize <= 0 {
		c.MaxRecvMsgSize = 4 << 20
	}
	if c.MaxSendMsgSize <= 0 {
		c.MaxSendMsgSize = 16 << 20
	}
	def(&c.ConnectionTimeout, 5*time.Second)
	def(&c.KeepaliveMinTime, 5*time.Second)
	def(&c.KeepaliveTime, 30*time.Second)
	def(&c.KeepaliveTimeout, 10*time.Second)
	if c.MaxConcurrentStreams == 0 {
		c.MaxConcurrentStreams = 1024
	}
	return c
}

// NewGRPCServer returns a gRPC server with s registered; the caller calls Serve. To stop:
// s.StopStreams(), then GracefulStop (streams no longer hold it open), then s.Close().
func NewGRPCServer(s *Server, cfg GRPCConfig, extra ...grpc.ServerOption) *grpc.Server {
	cfg = cfg.withDefaults()
	opts := []grpc.ServerOption{
		grpc.MaxRecvMsgSize(cfg.MaxRecvMsgSize),
		grpc.MaxSendMsgSize(cfg.MaxSendMsgSize),
		grpc.ConnectionTimeout(cfg.ConnectionTimeout),
		grpc.MaxConcurrentStreams(cfg.MaxConcurrentStreams),
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: cfg.KeepaliveMinTime, PermitWithoutStream: true}),
		grpc.KeepaliveParams(keepalive.ServerParameters{Time: cfg.KeepaliveTime, Timeout: cfg.KeepaliveTimeout}),
	}
	g := grpc.NewServer(append(opts, extra...)...)
	pb.RegisterSchedulerServer(g, s)
	return g
}
