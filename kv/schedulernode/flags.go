package schedulernode

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/gee-project/gee/kv/scheduler"
	"github.com/gee-project/gee/kv/scheduler/schedule"
)

// config is the parsed and checked command line.
type config struct {
	addr             string
	dataDir          string
	maxReplicas      int
	maxStoreDownTime time.Duration
	scheduleInterval time.Duration
	schedulers       []string
	shutdownTimeout  time.Duration
	httpAddr         string // "" = no dashboard
	// setReplicas / setDownTime: the flag was given, so it replaces the persisted value.
	setReplicas, setDownTime bool
}

const usageHead = `tinykv-scheduler runs the TinyKV scheduler (placement driver) over gRPC.

Usage:
  tinykv-scheduler -data DIR [-addr HOST:PORT] [-max-replicas N] [-max-store-down-time D]
                   [-schedule-interval D] [-schedulers LIST]

Stores register with it (tinykv-server -scheduler ADDR); the first store bootstraps the
cluster. It hands out ids and timestamps that never repeat, even across restarts, keeps the
region and store maps from heartbeats, persists them in -data, and runs the replica checker
and the balance schedulers every -schedule-interval, answering region heartbeats with the
commands (add/remove peer, transfer leader) their operators need.

-max-replicas and -max-store-down-time seed the cluster config on the first start; on later
starts the persisted config is kept unless the flag is given again.

Examples:
  # a scheduler for a cluster of three stores
  tinykv-scheduler -data /tmp/tinykv-scheduler -addr 127.0.0.1:2379

  # one replica per region, replace a store's replicas after 10 minutes of silence
  tinykv-scheduler -data /tmp/sched -max-replicas 1 -max-store-down-time 10m

  # with the live dashboard at http://127.0.0.1:2380/dashboard
  tinykv-scheduler -data /tmp/sched -http 127.0.0.1:2380

  # only the replica checker and leader balancing, scheduling every second
  tinykv-scheduler -data /tmp/sched -schedulers balance-leader -schedule-interval 1s

-http serves the dashboard (stores, regions, operators, rates; read-only) over plain HTTP
with timeouts on every request; bind it to a local or otherwise trusted address.

It prints "listening on ADDR" once the port is bound. SIGTERM or Ctrl-C stops it gracefully:
streams are ended, calls in flight answered, region maps flushed, storage closed.

Flags:
`

// parseFlags parses args into a config. It returns flag.ErrHelp for -h (usage already
// written to stdout), or an error naming the offending flag.
func parseFlags(args []string, stdout io.Writer) (*config, error) {
	c := &config{}
	fs := flag.NewFlagSet("tinykv-scheduler", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var schedulers string
	fs.StringVar(&c.addr, "addr", "127.0.0.1:2379", "`HOST:PORT` to listen on (port 0 picks a free port)")
	fs.StringVar(&c.dataDir, "data", "", "`DIR` of the scheduler's database (created if missing); required")
	fs.IntVar(&c.maxReplicas, "max-replicas", scheduler.DefaultMaxReplicas, "replicas every region should have (1 to 16)")
	fs.DurationVar(&c.maxStoreDownTime, "max-store-down-time", scheduler.DefaultMaxStoreDownTime,
		"after this long without a heartbeat a store's replicas are replaced on other stores")
	fs.DurationVar(&c.scheduleInterval, "schedule-interval", scheduler.DefaultScheduleInterval, "time between scheduling rounds")
	fs.StringVar(&schedulers, "schedulers", schedule.BalanceRegionName+","+schedule.BalanceLeaderName,
		"balance schedulers to run, comma-separated (empty: none; the replica checker always runs)")
	fs.DurationVar(&c.shutdownTimeout, "shutdown-timeout", 10*time.Second, "on SIGTERM, how long calls in flight may take")
	fs.StringVar(&c.httpAddr, "http", "", "`HOST:PORT` serving the dashboard at /dashboard (default: none)")
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usageHead)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return nil, flag.ErrHelp
		}
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q (every setting is a flag; see -h)", fs.Arg(0))
	}
	fs.Visit(func(f *flag.Flag) {
		c.setReplicas = c.setReplicas || f.Name == "max-replicas"
		c.setDownTime = c.setDownTime || f.Name == "max-store-down-time"
	})
	for _, name := range strings.Split(schedulers, ",") {
		if name = strings.TrimSpace(name); name != "" {
			c.schedulers = append(c.schedulers, name)
		}
	}
	return c, c.check()
}

func (c *config) check() error {
	if _, _, err := net.SplitHostPort(c.addr); err != nil {
		return fmt.Errorf("-addr %q: %v", c.addr, err)
	}
	if c.httpAddr != "" {
		if _, _, err := net.SplitHostPort(c.httpAddr); err != nil {
			return fmt.Errorf("-http %q: %v", c.httpAddr, err)
		}
	}
	switch {
	case c.dataDir == "":
		return errors.New("-data: required (the directory of the scheduler's database)")
	case c.maxReplicas < 1 || c.maxReplicas > 16:
		return fmt.Errorf("-max-replicas %d: want 1 to 16", c.maxReplicas)
	case c.maxStoreDownTime < time.Second:
		return fmt.Errorf("-max-store-down-time %v: want at least 1s", c.maxStoreDownTime)
	case c.scheduleInterval < time.Millisecond:
		return fmt.Errorf("-schedule-interval %v: want at least 1ms", c.scheduleInterval)
	case c.shutdownTimeout <= 0:
		return errors.New("-shutdown-timeout: must be positive")
	}
	for _, name := range c.schedulers {
		if name != schedule.BalanceRegionName && name != schedule.BalanceLeaderName {
			return fmt.Errorf("-schedulers: unknown scheduler %q (want %s or %s)", name,
				schedule.BalanceRegionName, schedule.BalanceLeaderName)
		}
	}
	return nil
}
