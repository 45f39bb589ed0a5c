package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestExamples runs every program in examples/monkey on every engine, as
// the README tells newcomers to.
func TestExamples(t *testing.T) {
	files, err := filepath.Glob("../../examples/monkey/*.monkey")
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	wants := map[string]string{
		"fib.monkey":       "fib(20) = 6765\n",
		"mapreduce.monkey": "[3, 6, 9, 12, 15, 18, 21, 24, 27, 30]\n[2, 4, 6, 8, 10]\n55\n385\n",
		"macros.monkey":    "greater\n1\n",
	}
	for engine := range engines {
		for _, f := range files {
			code, stdout, stderr := runCLI(t, "", "run", "-engine="+engine, f)
			if code != 0 || stderr != "" {
				t.Errorf("%s on %s: exit %d, stderr %q", f, engine, code, stderr)
			}
			if want, ok := wants[filepath.Base(f)]; ok && !strings.Contains(stdout, want) {
				t.Errorf("%s on %s printed %q, want it to contain %q", f, engine, stdout, want)
			}
		}
	}
}
