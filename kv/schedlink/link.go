// Package schedlink connects a raftstore Store to the scheduler: it registers the store,
// bootstraps the cluster's first region, hands out split ids, streams region heartbeats,
// sends store heartbeats and executes the scheduler's ChangePeer and TransferLeader
// commands. It logs nothing unless given a logger.
package schedlink

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/raftstore"
	"github.com/gee-project/gee/kv/schedclient"
)

// Config configures a Link. Zero fields take the documented defaults.
type Config struct {
	// StoreID is this store's id (required, non-zero).
	StoreID uint64
	// Address is the store's client address registered with the scheduler (required).
	Address string
	// DataDir is statted for capacity and available bytes in store heartbeats ("" reports 0).
	DataDir string
	// StoreHeartbeatInterval is the store heartbeat period. Default 10s.
	StoreHeartbeatInterval time.Duration
	// MaxInflightCommands caps scheduler commands executed at once; more are dropped (the
	// scheduler re-sends). Default 16.
	MaxInflightCommands int
	// CommandTimeout bounds one ChangePeer or TransferLeader. Default 10s.
	CommandTimeout time.Duration
	// RPCTimeout bounds one scheduler call made by the link (ids, bootstrap). Default 5s.
	RPCTimeout time.Duration
	// Logger receives errors; nil discards them.
	Logger *slog.Logger
	// Counters, if set, returns the store's cumulative KV requests served and transactions
	// committed (kv/server Stats().KVRequests and TxnCommits); store heartbeats carry them as
	// kv_requests and kv_commits. Nil reports 0. It must be cheap and goroutine-safe.
	Counters func() (kvRequests, kvCommits uint64)
}

func (c Config) withDefaults() (Config, error) {
	if c.StoreID == 0 || c.Address == "" {
		return c, errors.New("schedlink: Config.StoreID and Config.Address are required")
	}
	if c.StoreHeartbeatInterval < 0 || c.CommandTimeout < 0 || c.RPCTimeout < 0 || c.MaxInflightCommands < 0 {
		return c, errors.New("schedlink: Config durations and limits must not be negative")
	}
	if c.StoreHeartbeatInterval == 0 {
		c.StoreHeartbeatInterval = 10 * time.Second
	}
	if c.MaxInflightCommands == 0 {
		c.MaxInflightCommands = 16
	}
	if c.CommandTimeout == 0 {
		c.CommandTimeout = 10 * time.Second
	}
	if c.RPCTimeout == 0 {
		c.RPCTimeout = 5 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return c, nil
}

// Link is one store's connection to the scheduler. It implements raftstore.IDAllocator and
// raftstore.RegionReporter: build it first, put it in the store's Config, then Start it with
// the store.
type Link struct {
	cfg   Config
	cli   *schedclient.Client
	log   *slog.Logger
	start time.Time

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu       sync.Mutex
	store    *raftstore.Store // nil until Start
	inflight map[cmdKey]bool
	sizes    map[uint64]uint64 // region id → last reported approximate size (led regions)
	sem      chan struct{}

	res resolver

	tombstone atomic.Bool   // the scheduler refused a store heartbeat with STORE_TOMBSTONE
	tombCh    chan struct{} // closed when tombstone is set
}

// New returns a link for cfg.StoreID over cli (owned by the caller, closed after the link).
func New(cli *schedclient.Client, cfg Config) (*Link, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	l := &Link{cfg: cfg, cli: cli, log: cfg.Logger, start: time.Now(), ctx: ctx, cancel: cancel,
		inflight: map[cmdKey]bool{}, sizes: map[uint64]uint64{}, sem: make(chan struct{}, cfg.MaxInflightCommands),
		tombCh: make(chan struct{})}
	cli.SetRegionHeartbeatHandler(l.onHeartbeatResponse)
	return l, nil
}

// Start bootstraps the cluster if nobody has (this store then holds the first region), or
// recovers a bootstrap interrupted after the scheduler took it; starts st (which must not be
// started yet); registers the store; and begins store heartbeats.
func (l *Link) Start(ctx context.Context, st *raftstore.Store) error {
	if st.StoreID() != l.cfg.StoreID {
		return fmt.Errorf("schedlink: store id %d, link configured for %d", st.StoreID(), l.cfg.StoreID)
	}
	if err := l.checkIdent(ctx, st); err != nil {
		return err
	}
	if err := l.bootstrap(ctx, st); err != nil {
		return err
	}
	if err := st.Start(); err != nil {
		return err
	}
	l.mu.Lock()
	l.store = st
	l.mu.Unlock()
	if err := l.cli.PutStore(ctx, l.storeMeta()); err != nil {
		return fmt.Errorf("schedlink: register store %d: %w", l.cfg.StoreID, err)
	}
	l.sendStoreHeartbeat()
	l.wg.Add(1)
	go l.storeHeartbeatLoop()
	return nil
}

// Close stops heartbeats and waits for running commands (bounded by CommandTimeout). It
// does not stop the store or close the client.
func (l *Link) Close() {
	// Both locks: claim and Resolve add to wg under them after checking ctx.
	l.mu.Lock()
	l.res.mu.Lock()
	l.cancel()
	l.res.mu.Unlock()
	l.mu.Unlock()
	l.wg.Wait()
}

func (l *Link) storeMeta() *metapb.Store {
	return &metapb.Store{Id: l.cfg.StoreID, Address: l.cfg.Address, State: metapb.StoreState_Up}
}

func (l *Link) getStore() *raftstore.Store {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.store
}
