//go:build !unix

package core

import "time"

// cpuTime is unavailable here; the per-CPU-second metric reads 0.
func cpuTime() time.Duration { return 0 }
