//go:build !unix

package scheduler

import "time"

// cpuTime is unavailable here; the per-CPU-second metric reads 0.
func cpuTime() time.Duration { return 0 }
