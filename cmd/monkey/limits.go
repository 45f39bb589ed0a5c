package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gee-project/gee/monkey/budget"
)

// limits are the -timeout, -max-steps and -max-mem flags of a command.
type limits struct {
	budget.Limits
	timeout time.Duration
}

func limitFlags(fs *flag.FlagSet) *limits {
	l := &limits{}
	fs.DurationVar(&l.timeout, "timeout", 0, "stop the run after `D` (e.g. 2s; 0: no limit)")
	fs.Int64Var(&l.MaxSteps, "max-steps", 0, "stop the run after `N` function calls (0: no limit)")
	fs.Var((*sizeFlag)(&l.MaxMem), "max-mem", "stop the run once its arrays, strings and hashes pass `SIZE` (e.g. 256MB; 0: no limit)")
	return l
}

// check rejects negative limits, naming the flag.
func (l *limits) check() error {
	switch {
	case l == nil:
	case l.timeout < 0:
		return fmt.Errorf("-timeout %v: want a duration of 0 (no limit) or more", l.timeout)
	case l.MaxSteps < 0:
		return fmt.Errorf("-max-steps %d: want 0 (no limit) or more", l.MaxSteps)
	}
	return nil
}

// context returns the run's context: with the timeout as deadline, if set.
func (l *limits) context() (context.Context, context.CancelFunc) {
	if l == nil || l.timeout <= 0 {
		return context.Background(), func() {}
	}
	return context.WithTimeout(context.Background(), l.timeout)
}

// sizeFlag is a byte count written as a number with an optional unit: B,
// K/KB/KiB, M/MB/MiB, G/GB/GiB (all powers of 1024), any case.
type sizeFlag int64

func (s *sizeFlag) String() string { return strconv.FormatInt(int64(*s), 10) }

func (s *sizeFlag) Set(v string) error {
	n, err := parseSize(v)
	if err != nil {
		return err
	}
	*s = sizeFlag(n)
	return nil
}

var sizeUnits = map[string]int64{"": 1, "b": 1,
	"k": 1 << 10, "kb": 1 << 10, "kib": 1 << 10,
	"m": 1 << 20, "mb": 1 << 20, "mib": 1 << 20,
	"g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30}

func parseSize(v string) (int64, error) {
	v = strings.TrimSpace(v)
	i := strings.IndexFunc(v, func(r rune) bool { return r < '0' || r > '9' })
	if i < 0 {
		i = len(v)
	}
	unit, ok := sizeUnits[strings.ToLower(strings.TrimSpace(v[i:]))]
	n, err := strconv.ParseInt(v[:i], 10, 64)
	if !ok || err != nil {
		return 0, fmt.Errorf("bad size %q (want a number with an optional unit B, KB, MB or GB)", v)
	}
	if n > (1<<63-1)/unit {
		return 0, fmt.Errorf("size %q too large", v)
	}
	return n * unit, nil
}
