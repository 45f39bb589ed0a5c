package scheduler

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/schedulerpb"
	"github.com/gee-project/gee/kv/scheduler/core"
	"google.golang.org/protobuf/proto"
)

// Server implements schedulerpb.SchedulerServer. Create it with Open, serve it with
// NewGRPCServer, and Close it after the gRPC server has stopped.
type Server struct {
	schedulerpb.UnimplementedSchedulerServer

	cfg     Config
	limits  Limits
	st      *storage
	cluster *core.Cluster
	ids     *idAllocator
	tso     *tso
	gc      *gcSafePoint
	saver   *regionSaver
	sched   Scheduling

	clusterID    uint64
	bootMu       sync.Mutex // serializes Bootstrap and PutClusterConfig
	bootstrapped atomic.Bool
	config       atomic.Pointer[schedulerpb.ClusterConfig]

	ctx    context.Context // canceled by Close: ends streams and loops
	cancel context.CancelFunc
	loops  sync.WaitGroup

	gate    sync.Mutex // guards closed and active
	closed  bool
	active  int
	drained *sync.Cond

	splits  splitQueue    // admin split keys offered to region heartbeats
	removed removedStores // ids of removed stores
	pushers pushers       // region heartbeat stream per store, for pushing new operators
	loads   storeLoads    // the last two heartbeats' KV counters per store, for StoreLoad
	started time.Time     // when Open ran: StoreHealth counts silence from here at most

	tsoStreams, regionStreams atomic.Int64
	stats                     statCounters
}

// Open opens (creating if needed) the scheduler's state in cfg.DataDir and starts its loops.
func Open(cfg Config) (*Server, error) {
	if cfg.DataDir == "" {
		return nil, errors.New("scheduler: Config.DataDir is required")
	}
	cfg = cfg.withDefaults()
	st, err := openStorage(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, limits: cfg.Limits, st: st, cluster: core.NewCluster(), started: cfg.Now()}
	s.drained = sync.NewCond(&s.gate)
	s.ctx, s.cancel = context.WithCancel(context.Background())
	if err := s.load(); err != nil {
		_ = st.close()
		return nil, err
	}
	s.saver = newRegionSaver(st)
	if cfg.NewScheduling != nil {
		s.sched, err = cfg.NewScheduling(SchedulingEnv{Cluster: s.cluster, IDs: s.ids, Config: s.ClusterConfig})
		if err != nil {
			_ = st.close()
			return nil, fmt.Errorf("scheduler: scheduling: %w", err)
		}
	}
	s.loops.Add(2)
	go s.flushLoop()
	go s.scheduleLoop()
	return s, nil
}

// load restores config, ids, TSO, GC safe point, stores and regions from storage.
func (s *Server) load() error {
	cfg, ok, err := s.st.loadConfig()
	if err != nil {
		return err
	}
	if !ok {
		// The cluster id tells clusters apart: time-based with random low bits.
		cfg.ClusterId = uint64(time.Now().Unix())<<32 | uint64(rand.Uint32())
	}
	if !ok || s.cfg.OverrideClusterConfig {
		cfg.MaxReplicas = uint32(s.cfg.MaxReplicas)
		cfg.MaxStoreDownTimeMs = uint64(s.cfg.MaxStoreDownTime.Milliseconds())
		if err := s.st.saveConfig(cfg); err != nil {
			return err
		}
	}
	s.clusterID = cfg.ClusterId
	s.config.Store(cfg)
	boot, err := s.st.isBootstrapped()
	if err != nil {
		return err
	}
	s.bootstrapped.Store(boot)
	if s.ids, err = newIDAllocator(s.st, s.cfg.IDWindow); err != nil {
		return err
	}
	if s.tso, err = newTSO(s.st, s.cfg.TSOWindow, s.cfg.Now); err != nil {
		return err
	}
	if s.gc, err = newGCSafePoint(s.st); err != nil {
		return err
	}
	return s.loadCache()
}

func (s *Server) loadCache() error {
	removed, err := s.st.loadRemoved()
	if err != nil {
		return err
	}
	s.removed.ids = removed
	stores, err := s.st.loadStores()
	if err != nil {
		return err
	}
	for _, m := range stores {
		if err := s.cluster.PutStore(m); err != nil {
			return fmt.Errorf("scheduler: reload store %d: %w", m.GetId(), err)
		}
	}
	regions, err := s.st.loadRegions()
	if err != nil {
		return err
	}
	// Newest first, so an older overlapping region left behind by a crash is the one refused.
	sort.Slice(regions, func(i, j int) bool {
		return regions[i].GetRegionEpoch().GetVersion() > regions[j].GetRegionEpoch().GetVersion()
	})
	stale := map[uint64]*metapb.Region{}
	for _, m := range regions {
		if _, err := s.cluster.PutRegion(core.NewRegionInfo(m, nil)); err != nil {
			stale[m.GetId()] = nil
		}
	}
	if len(stale) > 0 {
		return s.st.saveRegions(stale)
	}
	return nil
}

// Cluster returns the region and store cache.
func (s *Server) Cluster() *core.Cluster { return s.cluster }

// ClusterID returns the id every response header carries.
func (s *Server) ClusterID() uint64 { return s.clusterID }

// ClusterConfig returns the current cluster config (do not mutate).
func (s *Server) ClusterConfig() *schedulerpb.ClusterConfig { return s.config.Load() }

// Bootstrapped reports whether Bootstrap has succeeded (now or before a restart).
func (s *Server) Bootstrapped() bool { return s.bootstrapped.Load() }

// IDs returns the id allocator (the one AllocID serves).
func (s *Server) IDs() IDAllocator { return s.ids }

// StopStreams ends every TSO and region heartbeat stream and refuses new calls, so that
// grpc.Server.GracefulStop can return. Close calls it too.
func (s *Server) StopStreams() {
	s.gate.Lock()
	s.closed = true
	s.gate.Unlock()
	s.cancel()
}

// Close stops the loops, waits for calls in progress, writes pending region metas and closes storage.
func (s *Server) Close() error {
	s.StopStreams()
	s.loops.Wait()
	s.gate.Lock()
	for s.active > 0 {
		s.drained.Wait()
	}
	s.gate.Unlock()
	err := s.saver.flush()
	if cerr := s.st.close(); err == nil {
		err = cerr
	}
	return err
}

// enter admits one unit of work that may touch storage; false once closing.
func (s *Server) enter() bool {
	s.gate.Lock()
	defer s.gate.Unlock()
	if s.closed {
		return false
	}
	s.active++
	return true
}

func (s *Server) leave() {
	s.gate.Lock()
	s.active--
	if s.active == 0 {
		s.drained.Broadcast()
	}
	s.gate.Unlock()
}

func (s *Server) flushLoop() {
	defer s.loops.Done()
	t := time.NewTicker(s.cfg.RegionFlushInterval)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
			_ = s.saver.flush() // a failed batch stays dirty and is retried next tick
		}
	}
}

func (s *Server) scheduleLoop() {
	defer s.loops.Done()
	if s.sched == nil {
		return
	}
	t := time.NewTicker(s.cfg.ScheduleInterval)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
			if s.bootstrapped.Load() {
				s.sched.Schedule(s.cfg.Now())
				s.pushAdded()
				s.buryDrainedStores()
			}
		}
	}
}

// SetClusterConfig changes max replicas and/or the store down time (zero: keep) and persists it.
func (s *Server) SetClusterConfig(maxReplicas int, maxStoreDownTime time.Duration) error {
	next := cloneConfig(s.config.Load())
	if maxReplicas > 0 {
		next.MaxReplicas = uint32(maxReplicas)
	}
	if maxStoreDownTime > 0 {
		next.MaxStoreDownTimeMs = uint64(maxStoreDownTime.Milliseconds())
	}
	return s.putConfig(&schedulerpb.PutClusterConfigRequest{Config: next})
}

func cloneConfig(c *schedulerpb.ClusterConfig) *schedulerpb.ClusterConfig {
	return proto.Clone(c).(*schedulerpb.ClusterConfig)
}
