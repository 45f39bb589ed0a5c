package kv

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"time"
)

// clockTick is USER_HZ, the unit of /proc/<pid>/stat times; 100 on every
// Linux port Go supports.
const clockTick = 10 * time.Millisecond

// procCPU returns the user+system CPU time process pid has used, from
// /proc/<pid>/stat (Linux only; elsewhere an error).
func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces; the fields after its
	// closing parenthesis are space-separated, utime and stime being the
	// 12th and 13th of them.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: no ')' in %q", pid, b)
	}
	f := bytes.Fields(b[i+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields after the name", pid, len(f))
	}
	var total time.Duration
	for _, s := range f[11:13] {
		n, err := strconv.ParseInt(string(s), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
		}
		total += time.Duration(n) * clockTick
	}
	return total, nil
}

// serversCPU sums procCPU over the cluster's processes; ok is false when
// any is unreadable.
func (c *cluster) serversCPU() (d time.Duration, ok bool) {
	for _, p := range c.procs {
		t, err := procCPU(p.cmd.Process.Pid)
		if err != nil {
			return 0, false
		}
		d += t
	}
	return d, true
}
