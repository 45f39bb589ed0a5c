//go:build unix

package ormbench

import (
	"syscall"
	"testing"
	"time"
)

// processCPU is the CPU time (user + system) this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loop runs f b.N times and reports, besides wall time, the client
// process's CPU time per operation ("cpu-ns/op"). On a loaded machine wall
// time includes time spent waiting for a core; CPU time does not. It
// counts this process only: a database server's work (PostgreSQL) is not
// in it, so there it measures the library's client-side cost.
func loop(b *testing.B, f func(i int) error) {
	b.ReportAllocs()
	b.ResetTimer()
	start := processCPU()
	for i := 0; i < b.N; i++ {
		if err := f(i); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op")
}
