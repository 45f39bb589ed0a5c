package monkey

import (
	"errors"
	"testing"
)

// BenchmarkMonkey runs every program on every engine. Each iteration parses
// and compiles the program untimed, then times its execution (the
// evaluator resolves names inside Eval, so that is timed for it). CPython
// runs in a child process and reports the time of the program's main().
func BenchmarkMonkey(b *testing.B) {
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for _, im := range impls {
				b.Run(im.name, func(b *testing.B) { benchOne(b, c, im) })
			}
		})
	}
}

func benchOne(b *testing.B, c benchCase, im impl) {
	if why, ok := im.skip[c.name]; ok {
		b.Skip(why)
	}
	src, err := c.source(im.ext, false)
	if err != nil {
		b.Fatal(err)
	}
	var child float64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		run, err := im.prepare(src)
		if errors.Is(err, errNoPython) {
			b.Skip(err)
		}
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		got, secs, err := run()
		if err != nil {
			b.Fatal(err)
		}
		if got != c.want {
			b.Fatalf("result %d, want %d", got, c.want)
		}
		child += secs
	}
	if child > 0 {
		b.ReportMetric(child*1e9/float64(b.N), "ns/op")
	}
}

// TestScripts runs shrunken versions of every program on every engine, so
// the peer scripts are known to compute the same results.
func TestScripts(t *testing.T) {
	for _, c := range cases {
		for _, im := range impls {
			src, err := c.source(im.ext, true)
			if err != nil {
				t.Fatal(err)
			}
			run, err := im.prepare(src)
			if errors.Is(err, errNoPython) {
				continue
			}
			if err != nil {
				t.Errorf("%s/%s: %v", c.name, im.name, err)
				continue
			}
			got, _, err := run()
			if err != nil {
				t.Errorf("%s/%s: %v", c.name, im.name, err)
				continue
			}
			if got != c.small {
				t.Errorf("%s/%s = %d, want %d", c.name, im.name, got, c.small)
			}
		}
	}
}
