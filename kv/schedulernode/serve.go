package schedulernode

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/gee-project/gee/kv/scheduler"
	"github.com/gee-project/gee/kv/scheduler/schedule"
	"google.golang.org/grpc"
)

// Run parses args and serves until ctx ends; it returns the exit code (2: bad command line).
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "tinykv-scheduler: %v\n", err)
		return 2
	}
	if err := serve(ctx, cfg, stdout); err != nil {
		fmt.Fprintf(stderr, "tinykv-scheduler: %v\n", err)
		return 1
	}
	return 0
}

func serve(ctx context.Context, cfg *config, stdout io.Writer) error {
	lis, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	srv, err := scheduler.Open(scheduler.Config{
		DataDir:          cfg.dataDir,
		MaxReplicas:      cfg.maxReplicas,
		MaxStoreDownTime: cfg.maxStoreDownTime,
		ScheduleInterval: cfg.scheduleInterval,
		NewScheduling: func(env scheduler.SchedulingEnv) (scheduler.Scheduling, error) {
			co, err := schedule.NewCoordinator(env.Cluster, env.IDs, schedule.Config{
				ClusterConfig:    env.Config,
				ScheduleInterval: cfg.scheduleInterval,
				Schedulers:       cfg.schedulers,
				DisableBalance:   len(cfg.schedulers) == 0,
			})
			if err != nil {
				return nil, err
			}
			return schedule.ServerScheduling{Coord: co}, nil
		},
	})
	if err != nil {
		_ = lis.Close()
		return err
	}
	if err := applyFlags(srv, cfg); err != nil {
		_ = lis.Close()
		_ = srv.Close()
		return err
	}
	stopHTTP := func() {}
	if cfg.httpAddr != "" {
		if stopHTTP, err = startHTTP(cfg.httpAddr, srv, stdout); err != nil {
			_ = lis.Close()
			_ = srv.Close()
			return err
		}
	}
	g := scheduler.NewGRPCServer(srv, scheduler.GRPCConfig{})
	served := make(chan error, 1)
	go func() { served <- g.Serve(lis) }()
	fmt.Fprintf(stdout, "listening on %s\n", lis.Addr())
	select {
	case <-ctx.Done():
	case err = <-served:
	}
	stopHTTP()
	shutdown(g, srv, cfg.shutdownTimeout)
	if cerr := srv.Close(); err == nil {
		err = cerr
	}
	return err
}

// applyFlags makes explicitly given config flags replace the persisted cluster config.
func applyFlags(srv *scheduler.Server, cfg *config) error {
	var replicas int
	var down time.Duration
	if cfg.setReplicas {
		replicas = cfg.maxReplicas
	}
	if cfg.setDownTime {
		down = cfg.maxStoreDownTime
	}
	if replicas == 0 && down == 0 {
		return nil
	}
	return srv.SetClusterConfig(replicas, down)
}

// shutdown ends the streams, lets unary calls finish within timeout, then stops hard.
func shutdown(g *grpc.Server, srv *scheduler.Server, timeout time.Duration) {
	srv.StopStreams()
	done := make(chan struct{})
	go func() {
		g.GracefulStop()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(timeout):
		g.Stop()
		<-done
	}
}
