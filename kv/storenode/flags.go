package storenode

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gee-project/gee/kv/gcworker"
	"github.com/gee-project/gee/kv/raftstore"
	"github.com/gee-project/gee/kv/server"
)

// config is the parsed and checked command line.
type config struct {
	addr            string
	dataDir         string
	storeID         uint64
	peers           map[uint64]string
	scheduler       []string
	standalone      bool
	shutdownTimeout time.Duration
	logLevel        string
	gcPercent       int
	pprof           string // "" = off
	storeHeartbeat  time.Duration
	gcInterval      time.Duration // -scheduler mode: MVCC GC safe point checks; 0 = off
	bootstrap       bool          // -peers mode: an empty data directory bootstraps region 1
	store           raftstore.Config
	limits          server.Limits
	grpc            server.GRPCConfig
}

const usageHead = `tinykv-server runs one TinyKV store and serves the raw and transactional key-value APIs over gRPC.

Usage:
  tinykv-server -data DIR -store-id ID -peers ID=HOST:PORT,... [-addr HOST:PORT] [tuning flags]
  tinykv-server -data DIR -store-id ID -scheduler HOST:PORT,... -addr HOST:PORT [tuning flags]
  tinykv-server -standalone -data DIR [-addr HOST:PORT]

A cluster is static: every store is started with the same -peers list, and the first start
of each store bootstraps region 1 (all keys) with one peer per listed store (peer id = store
id). A store restarted on its -data directory recovers from it and skips the bootstrap; the
directory records its store id, and starting it under another -store-id is refused. A store
whose data was lost must rejoin with -bootstrap=false (see below), never bootstrap again.
With -scheduler instead of -peers, the store registers with tinykv-scheduler under -addr
(which then needs a fixed port): the first store of a new cluster bootstraps it, later ones
start empty and receive replicas as the scheduler places them; regions split and move. A
store the scheduler has made a tombstone (tinykv-ctl store-offline, once drained, or
store-remove) learns it from its next store heartbeat, logs it and exits with status 1.
-standalone serves one local engine without Raft, for development.

Examples:
  # a 3-store cluster on one machine
  P=1=127.0.0.1:20160,2=127.0.0.1:20161,3=127.0.0.1:20162
  tinykv-server -store-id 1 -addr 127.0.0.1:20160 -data /tmp/tikv1 -peers $P &
  tinykv-server -store-id 2 -addr 127.0.0.1:20161 -data /tmp/tikv2 -peers $P &
  tinykv-server -store-id 3 -addr 127.0.0.1:20162 -data /tmp/tikv3 -peers $P &
  go run ./examples/kv -addrs 127.0.0.1:20160,127.0.0.1:20161,127.0.0.1:20162

  # one process, no replication
  tinykv-server -standalone -data /tmp/tikv-dev -addr 127.0.0.1:20160

It prints "listening on ADDR" once the port is bound. SIGTERM or Ctrl-C stops it gracefully:
no new requests, requests in flight answered, then the store and engine closed. Every
acknowledged write is fsynced first, so even SIGKILL loses none.

Sizes accept a B, KiB, MiB or GiB suffix (e.g. 32MiB). Flags:
`

// parseFlags parses args into a config. It returns flag.ErrHelp for -h (usage already
// written to stdout), or an error naming the offending flag.
func parseFlags(args []string, stdout io.Writer) (*config, error) {
	c := &config{}
	fs := flag.NewFlagSet("tinykv-server", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var peers, sched string
	gcSize, uncommitted, snapSize := sizeFlag(32<<20), sizeFlag(16<<20), sizeFlag(256<<20)
	keySize, valueSize, recvSize := sizeFlag(server.DefaultMaxKeySize), sizeFlag(server.DefaultMaxValueSize), sizeFlag(server.DefaultMaxRecvMsgSize)

	fs.StringVar(&c.addr, "addr", "127.0.0.1:20160", "`HOST:PORT` to listen on for clients and peer stores (port 0 picks a free port)")
	fs.StringVar(&c.dataDir, "data", "", "`DIR` of the store's engine (created if missing); required")
	fs.Uint64Var(&c.storeID, "store-id", 0, "this store's `ID` in -peers; required unless -standalone")
	fs.StringVar(&peers, "peers", "", "the static cluster, `ID=HOST:PORT,...` (e.g. 1=127.0.0.1:20160,2=127.0.0.1:20161,3=127.0.0.1:20162); must list -store-id; required unless -standalone")
	fs.BoolVar(&c.bootstrap, "bootstrap", true, "with -peers, let an empty -data directory bootstrap region 1 (the first start of a new cluster). "+
		"Restart a store whose data was lost or wiped with -bootstrap=false: it then starts empty and its region 1 replica is rebuilt "+
		"from the leader's snapshot (a re-bootstrapped replica has forgotten its raft votes and log and can make the cluster diverge)")
	fs.StringVar(&sched, "scheduler", "", "tinykv-scheduler addresses, `HOST:PORT,...`: register with it instead of a static -peers cluster")
	fs.BoolVar(&c.standalone, "standalone", false, "serve one local engine without Raft (no -store-id, no -peers)")
	fs.DurationVar(&c.shutdownTimeout, "shutdown-timeout", 10*time.Second, "on SIGTERM, how long requests in flight may take before they are cut off")
	fs.StringVar(&c.logLevel, "log-level", "warn", "log level on stderr: debug, info, warn or error")
	fs.IntVar(&c.gcPercent, "gc-percent", 200, "Go garbage collector target (as GOGC, which it overrides; -1 turns the collector off): "+
		"collecting half as often as Go's default lets the heap grow to 3x the live data instead of 2x and cut server CPU per get by about 15% in bench/kv")

	fs.StringVar(&c.pprof, "pprof", "", "serve Go's profiler (net/http/pprof, under /debug/pprof/) on `HOST:PORT`; off by default. "+
		"It exposes stacks and the command line: bind it to a private address")
	fs.BoolVar(&c.store.NoHibernate, "no-hibernate", false, "keep every region ticking: by default an idle region's raft group goes quiet "+
		"(no ticks, no heartbeats) until something concerns it; all stores should agree")
	fs.DurationVar(&c.store.TickInterval, "tick", 100*time.Millisecond, "raft tick interval (election timeout = -election-ticks ticks)")
	fs.IntVar(&c.store.ElectionTicks, "election-ticks", 10, "election timeout in ticks; must exceed -heartbeat-ticks")
	fs.IntVar(&c.store.HeartbeatTicks, "heartbeat-ticks", 2, "leader heartbeat period in ticks")
	fs.Uint64Var(&c.store.RaftLogGCCountLimit, "raft-log-gc-count", 10000, "compact the raft log once it keeps more than this many applied entries")
	fs.Var(&gcSize, "raft-log-gc-size", "compact the raft log once its kept entries hold more than this `SIZE`")
	fs.DurationVar(&c.store.RaftLogGCTickInterval, "raft-log-gc-interval", time.Second, "how often the leader checks the log GC thresholds")
	fs.DurationVar(&c.store.ReportInterval, "region-heartbeat", 2*time.Second, "with -scheduler, how often each region leader reports its region; "+
		"the scheduler's commands (add/remove peer, transfer leader, split) ride on the answers, so this paces every scheduling step")
	fs.DurationVar(&c.storeHeartbeat, "store-heartbeat", 10*time.Second, "with -scheduler, how often the store reports its statistics; "+
		"a store the scheduler has made a tombstone (drained or removed) learns it from the answer, logs it and exits with status 1")
	fs.DurationVar(&c.gcInterval, "gc-interval", gcworker.DefaultInterval, "with -scheduler, how often the store checks the scheduler's GC safe point "+
		"(tinykv-ctl gc-safepoint) and, once it has moved, removes the old transaction versions of the regions it leads; 0 turns this GC off")
	fs.Var(&uncommitted, "max-uncommitted-size", "leader's uncommitted log tail bound; beyond it writes get ServerIsBusy (`SIZE`)")
	fs.IntVar(&c.store.MaxPendingProposals, "max-pending-proposals", 20000, "writes waiting for raft in this store; more get ServerIsBusy")
	fs.DurationVar(&c.store.ProposalTimeout, "proposal-timeout", 10*time.Second, "a write or read not answered by raft within this gets Timeout (a timed-out write may still apply)")
	fs.BoolVar(&c.store.LeaseReads, "lease-reads", true, "serve linearizable reads from the leader's lease, without a heartbeat round, while it holds "+
		"(the lease ends max(1, election-ticks/5) ticks before the election timeout). Safe if the stores' clocks run at rates within that margin "+
		"of each other and no store's raft loop stalls longer than the margin; -lease-reads=false confirms each batch of reads with a "+
		"ReadIndex heartbeat round instead. All stores must agree")
	fs.Var(&snapSize, "max-snapshot-size", "largest snapshot this store builds or accepts (`SIZE`)")

	fs.Var(&keySize, "max-key-size", "largest key a request may carry (`SIZE`)")
	fs.Var(&valueSize, "max-value-size", "largest value a request may carry (`SIZE`)")
	fs.Var(&recvSize, "max-recv-msg-size", "largest gRPC message the server accepts (`SIZE`)")

	fs.Usage = func() {} // errors are reported by the caller, help below
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usageHead)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return nil, flag.ErrHelp
		}
		return nil, err // the flag package names the flag
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q (every setting is a flag; see -h)", fs.Arg(0))
	}
	c.store.RaftLogGCSizeLimit, c.store.MaxUncommittedSize, c.store.MaxSnapshotSize = uint64(gcSize), uint64(uncommitted), uint64(snapSize)
	c.limits = server.Limits{MaxKeySize: int(keySize), MaxValueSize: int(valueSize), MaxSnapshotSize: uint64(snapSize)}
	c.grpc = server.GRPCConfig{MaxRecvMsgSize: int(recvSize)}
	for _, a := range strings.Split(sched, ",") {
		if a = strings.TrimSpace(a); a != "" {
			c.scheduler = append(c.scheduler, a)
		}
	}
	return c, c.check(peers)
}

func (c *config) check(peers string) error {
	if _, _, err := net.SplitHostPort(c.addr); err != nil {
		return fmt.Errorf("-addr %q: %v", c.addr, err)
	}
	if c.dataDir == "" {
		return errors.New("-data: required (the directory of the store's engine)")
	}
	if c.pprof != "" {
		if _, _, err := net.SplitHostPort(c.pprof); err != nil {
			return fmt.Errorf("-pprof %q: %v", c.pprof, err)
		}
	}
	switch {
	case c.shutdownTimeout <= 0:
		return errors.New("-shutdown-timeout: must be positive")
	case c.logLevel != "debug" && c.logLevel != "info" && c.logLevel != "warn" && c.logLevel != "error":
		return fmt.Errorf("-log-level %q: want debug, info, warn or error", c.logLevel)
	case c.gcPercent < -1:
		return fmt.Errorf("-gc-percent %d: want -1 (off) or more", c.gcPercent)
	case c.limits.MaxKeySize <= 0 || c.limits.MaxValueSize <= 0 || c.grpc.MaxRecvMsgSize <= 0:
		return errors.New("-max-key-size, -max-value-size and -max-recv-msg-size must be positive")
	case c.grpc.MaxRecvMsgSize < c.limits.MaxValueSize+c.limits.MaxKeySize+1024:
		return fmt.Errorf("-max-recv-msg-size %d: must exceed -max-value-size + -max-key-size (plus framing)", c.grpc.MaxRecvMsgSize)
	}
	if c.standalone {
		if c.storeID != 0 || peers != "" || len(c.scheduler) > 0 {
			return errors.New("-standalone: do not combine with -store-id, -peers or -scheduler")
		}
		return nil
	}
	if c.storeID == 0 {
		return errors.New("-store-id: required (non-zero) unless -standalone")
	}
	if err := c.checkCluster(peers); err != nil {
		return err
	}
	switch {
	case c.store.TickInterval <= 0:
		return errors.New("-tick: must be positive")
	case c.store.ReportInterval <= 0:
		return errors.New("-region-heartbeat: must be positive")
	case !c.bootstrap && len(c.scheduler) > 0:
		return errors.New("-bootstrap=false: only for -peers (with -scheduler the scheduler decides the bootstrap)")
	case c.storeHeartbeat <= 0:
		return errors.New("-store-heartbeat: must be positive")
	case c.gcInterval < 0:
		return fmt.Errorf("-gc-interval %v: want 0 (off) or a positive interval", c.gcInterval)
	case c.store.HeartbeatTicks <= 0 || c.store.ElectionTicks <= c.store.HeartbeatTicks:
		return fmt.Errorf("-election-ticks %d: must exceed -heartbeat-ticks %d (both positive)", c.store.ElectionTicks, c.store.HeartbeatTicks)
	case c.store.ProposalTimeout <= 0 || c.store.RaftLogGCTickInterval <= 0:
		return errors.New("-proposal-timeout and -raft-log-gc-interval: must be positive")
	case c.store.MaxPendingProposals <= 0:
		return errors.New("-max-pending-proposals: must be positive")
	}
	return nil
}

// parsePeers parses "1=host:port,2=host:port".
func parsePeers(s string) (map[uint64]string, error) {
	if s == "" {
		return nil, errors.New("-peers: required unless -standalone (e.g. 1=127.0.0.1:20160,2=127.0.0.1:20161,3=127.0.0.1:20162)")
	}
	out := map[uint64]string{}
	seen := map[string]uint64{}
	for _, part := range strings.Split(s, ",") {
		idStr, addr, ok := strings.Cut(strings.TrimSpace(part), "=")
		id, err := strconv.ParseUint(idStr, 10, 64)
		if !ok || err != nil || id == 0 {
			return nil, fmt.Errorf("-peers: entry %q: want ID=HOST:PORT with a non-zero ID", part)
		}
		if _, _, err := net.SplitHostPort(addr); err != nil {
			return nil, fmt.Errorf("-peers: entry %q: %v", part, err)
		}
		if _, dup := out[id]; dup {
			return nil, fmt.Errorf("-peers: store %d listed twice", id)
		}
		if other, dup := seen[addr]; dup {
			return nil, fmt.Errorf("-peers: stores %d and %d share address %s", other, id, addr)
		}
		out[id], seen[addr] = addr, id
	}
	return out, nil
}

// sortedIDs returns the store ids of peers in ascending order.
func sortedIDs(peers map[uint64]string) []uint64 {
	ids := make([]uint64, 0, len(peers))
	for id := range peers {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// sizeFlag is a byte count accepting B, KiB, MiB and GiB suffixes.
type sizeFlag uint64

func (s *sizeFlag) String() string {
	n := uint64(*s)
	for _, u := range []struct {
		suffix string
		mult   uint64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= u.mult && n%u.mult == 0 {
			return strconv.FormatUint(n/u.mult, 10) + u.suffix
		}
	}
	return strconv.FormatUint(n, 10)
}

func (s *sizeFlag) Set(v string) error {
	mult := uint64(1)
	for _, u := range []struct {
		suffix string
		mult   uint64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"B", 1}} {
		if strings.HasSuffix(v, u.suffix) {
			v, mult = strings.TrimSuffix(v, u.suffix), u.mult
			break
		}
	}
	n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
	if err != nil || n > (1<<62)/mult {
		return errors.New("want a byte count like 4096, 64KiB, 32MiB or 1GiB")
	}
	*s = sizeFlag(n * mult)
	return nil
}

// checkCluster checks -peers or -scheduler (exactly one).
func (c *config) checkCluster(peers string) error {
	if len(c.scheduler) > 0 {
		if peers != "" {
			return errors.New("-scheduler: do not combine with -peers")
		}
		if _, port, _ := net.SplitHostPort(c.addr); port == "0" {
			return errors.New("-addr: -scheduler needs a fixed port (the store registers its address)")
		}
		return nil
	}
	var err error
	if c.peers, err = parsePeers(peers); err != nil {
		return err
	}
	if _, ok := c.peers[c.storeID]; !ok {
		return fmt.Errorf("-peers: does not list -store-id %d", c.storeID)
	}
	return nil
}
