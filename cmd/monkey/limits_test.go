package main

import (
	"strings"
	"testing"
	"time"
)

const runaway = `let f = fn(n) { if (n == 0) { 0 } else { f(n - 1) + f(n - 1) } }; f(60)`

func TestRunLimits(t *testing.T) {
	for engine := range engines {
		for _, tt := range []struct {
			flags []string
			src   string
			want  string
		}{
			{[]string{"-timeout", "50ms"}, runaway, "time limit exceeded: context deadline exceeded\n"},
			{[]string{"-max-steps", "1000"}, runaway, "1:54: step limit exceeded: 1000 steps\n"},
			{[]string{"-max-mem", "1MB"}, `let b = fn(a, n) { if (n == 0) { len(a) } else { b(push(a, n), n - 1) } }; b([], 100000)`,
				"1:56: memory limit exceeded: 1048576 bytes\n"},
			// macro expansion runs under the same limits
			{[]string{"-max-steps", "10"}, `let m = macro(x) { let f = fn(n) { if (n == 0) { x } else { f(n - 1) } }; f(20) }; m(1)`,
				"1:62: step limit exceeded: 10 steps\n"},
		} {
			args := append(append([]string{"run", "-engine=" + engine}, tt.flags...), "-")
			start := time.Now()
			code, _, stderr := runCLI(t, tt.src, args...)
			// The timeout strikes in whichever call is running.
			if code != exitRuntimeError || !strings.HasPrefix(stderr, "-:1:") || !strings.HasSuffix(stderr, tt.want) {
				t.Errorf("%s %v: exit %d, stderr %q, want it to end %q", engine, tt.flags, code, stderr, tt.want)
			}
			if time.Since(start) > 10*time.Second {
				t.Errorf("%s %v: took %v", engine, tt.flags, time.Since(start))
			}
		}
		code, stdout, _ := runCLI(t, "", "-engine="+engine, "-timeout", "5s", "-max-steps", "1000", "-max-mem", "64KiB", "-e", "len(push([1], 2))")
		if code != exitOK || stdout != "2\n" {
			t.Errorf("%s -e within limits: exit %d, %q", engine, code, stdout)
		}
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"0": 0, "512": 512, "10B": 10, "64k": 64 << 10, "256MB": 256 << 20,
		"2 GiB": 2 << 30, "1g": 1 << 30} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "MB", "12XB", "-1", "99999999999G", "1.5MB"} {
		if _, err := parseSize(in); err == nil || !strings.Contains(err.Error(), "size") {
			t.Errorf("parseSize(%q): want an error, got %v", in, err)
		}
	}
}
