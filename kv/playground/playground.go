// Package playground runs a whole TinyKV cluster on this machine for trying it out: a scheduler
// (with its dashboard) and N stores, each a child process on free 127.0.0.1 ports, which can
// be killed and restarted one by one to watch failover. The tinykv binary's playground command
// is a shell over it.
package playground

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/gee-project/gee/kv/schedclient"
)

// Config says what cluster to run.
type Config struct {
	// Stores is how many stores to run (default 3). A data directory that already holds more
	// stores is refused; fewer are topped up with new ones.
	Stores int
	// DataDir keeps the cluster's data, logs and addresses; it survives Close and the next Start
	// on it recovers the cluster. "" uses a temporary directory removed by Close.
	DataDir string
	// Executable is the binary run as "EXE scheduler ARGS" and "EXE server ARGS" (the tinykv
	// command); default os.Executable().
	Executable string
	// MaxStoreDownTime is how long a store may miss heartbeats before the scheduler moves its
	// replicas elsewhere (default 30s; PD's is 30m, too long to watch).
	MaxStoreDownTime time.Duration
	// StartTimeout bounds each process's start and the wait for the first region's leader
	// (default 60s).
	StartTimeout time.Duration
}

// Store describes one store of the playground.
type Store struct {
	ID      uint64
	Addr    string
	DataDir string
	Log     string
	Running bool
}

// Cluster is a running playground. Its methods are safe for concurrent use.
type Cluster struct {
	cfg    Config
	dir    string
	temp   bool
	lock   *os.File // DIR/playground.lock, flocked while the playground runs
	layout *layout
	sched  *proc
	mu     sync.Mutex // serializes Kill, Restart and Close
	stores map[uint64]*proc
	closed bool
}

func (c Config) withDefaults() (Config, error) {
	if c.Stores == 0 {
		c.Stores = 3
	}
	if c.Stores < 1 || c.Stores > 64 {
		return c, fmt.Errorf("stores: %d is out of range 1 to 64", c.Stores)
	}
	if c.MaxStoreDownTime == 0 {
		c.MaxStoreDownTime = 30 * time.Second
	}
	if c.StartTimeout == 0 {
		c.StartTimeout = time.Minute
	}
	if c.Executable == "" {
		exe, err := os.Executable()
		if err != nil {
			return c, err
		}
		c.Executable = exe
	}
	return c, nil
}

// Start runs the scheduler and the stores and returns once the first region is fully replicated. On
// error everything it started is stopped.
func Start(ctx context.Context, cfg Config) (*Cluster, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	c := &Cluster{cfg: cfg, dir: cfg.DataDir, stores: map[uint64]*proc{}}
	if c.dir == "" {
		if c.dir, err = os.MkdirTemp("", "tinykv-playground-"); err != nil {
			return nil, err
		}
		c.temp = true
	} else if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return nil, err
	}
	if c.lock, err = lockDir(c.dir); err != nil {
		if c.temp {
			_ = os.RemoveAll(c.dir)
		}
		return nil, err
	}
	if err := c.start(ctx); err != nil {
		_ = c.Close()
		return nil, err
	}
	return c, nil
}

func (c *Cluster) start(ctx context.Context) error {
	l, err := loadLayout(c.dir)
	if err != nil {
		return err
	}
	if n := len(l.Stores); n > c.cfg.Stores {
		return fmt.Errorf("%s holds a %d-store cluster: start it with at least %d stores, or use another data directory", c.dir, n, n)
	}
	if err := l.fill(c.cfg.Stores); err != nil {
		return err
	}
	c.layout = l
	if err := os.MkdirAll(filepath.Join(c.dir, "logs"), 0o755); err != nil {
		return err
	}
	if err := l.save(c.dir); err != nil {
		return err
	}
	c.sched = &proc{name: "scheduler", log: filepath.Join(c.dir, "logs", "scheduler.log"), args: []string{"scheduler",
		"-data", filepath.Join(c.dir, "scheduler"), "-addr", l.Scheduler, "-http", l.HTTP,
		"-max-replicas", strconv.Itoa(min(3, c.cfg.Stores)), "-max-store-down-time", c.cfg.MaxStoreDownTime.String(),
		"-schedule-interval", "500ms"}}
	if err := c.sched.start(c.cfg.Executable, c.cfg.StartTimeout); err != nil {
		return err
	}
	for id := uint64(1); id <= uint64(c.cfg.Stores); id++ {
		p := &proc{name: fmt.Sprintf("store %d", id), log: filepath.Join(c.dir, "logs", fmt.Sprintf("store-%d.log", id)),
			args: []string{"server", "-data", filepath.Join(c.dir, fmt.Sprintf("store-%d", id)), "-store-id", strconv.FormatUint(id, 10),
				"-scheduler", l.Scheduler, "-addr", l.Stores[strconv.FormatUint(id, 10)],
				"-store-heartbeat", "1s", "-region-heartbeat", "1s"}}
		c.stores[id] = p
		if err := p.start(c.cfg.Executable, c.cfg.StartTimeout); err != nil {
			return err
		}
	}
	return c.waitReplicated(ctx)
}

// waitReplicated waits until the region holding the empty key has a leader and all its
// replicas (min(3, stores)) caught up, so a store killed right away loses nothing.
func (c *Cluster) waitReplicated(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.StartTimeout)
	defer cancel()
	sc, err := schedclient.New(ctx, []string{c.layout.Scheduler})
	if err != nil {
		return err
	}
	defer sc.Close()
	for {
		r, err := sc.GetRegion(ctx, nil)
		if err == nil && r.Leader != nil && len(r.Meta.GetPeers()) >= min(3, c.cfg.Stores) && len(r.PendingPeers) == 0 {
			return nil
		}
		if err == nil {
			err = fmt.Errorf("region %d has %d peers, %d pending, leader %v", r.Meta.GetId(), len(r.Meta.GetPeers()), len(r.PendingPeers), r.Leader)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the first region was not replicated within %v (last: %v); logs in %s", c.cfg.StartTimeout, err, filepath.Join(c.dir, "logs"))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// SchedulerAddr is the scheduler's gRPC address, for clients and tinykv-ctl.
func (c *Cluster) SchedulerAddr() string { return c.layout.Scheduler }

// DashboardURL is the address of the scheduler's dashboard page.
func (c *Cluster) DashboardURL() string { return "http://" + c.layout.HTTP + "/dashboard" }

// DataDir is the directory holding the cluster's data and logs.
func (c *Cluster) DataDir() string { return c.dir }

// Stores lists the stores in id order.
func (c *Cluster) Stores() []Store {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []Store
	for id, p := range c.stores {
		out = append(out, Store{ID: id, Addr: c.layout.Stores[strconv.FormatUint(id, 10)],
			DataDir: filepath.Join(c.dir, fmt.Sprintf("store-%d", id)), Log: p.log, Running: p.running()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Kill SIGKILLs a store, as a crash would.
func (c *Cluster) Kill(id uint64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, err := c.store(id)
	if err != nil {
		return err
	}
	if !p.running() {
		return fmt.Errorf("store %d is not running", id)
	}
	p.kill()
	return nil
}

// Restart starts a killed store again on its data directory and address.
func (c *Cluster) Restart(id uint64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, err := c.store(id)
	if err != nil {
		return err
	}
	if p.running() {
		return fmt.Errorf("store %d is already running (kill it first)", id)
	}
	return p.start(c.cfg.Executable, c.cfg.StartTimeout)
}

func (c *Cluster) store(id uint64) (*proc, error) {
	if c.closed {
		return nil, errors.New("the playground is shut down")
	}
	p, ok := c.stores[id]
	if !ok {
		return nil, fmt.Errorf("no store %d (stores are 1 to %d)", id, len(c.stores))
	}
	return p, nil
}

// Close stops the stores, then the scheduler (SIGTERM, then SIGKILL after 10s), and removes
// the data directory if it was a temporary one.
func (c *Cluster) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	var wg sync.WaitGroup
	for _, p := range c.stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.stop(10 * time.Second)
		}()
	}
	wg.Wait()
	if c.sched != nil {
		c.sched.stop(10 * time.Second)
	}
	_ = c.lock.Close() // releases the flock
	if c.temp {
		return os.RemoveAll(c.dir)
	}
	return nil
}
