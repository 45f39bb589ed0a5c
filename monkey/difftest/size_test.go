package difftest

import (
	"fmt"
	"strings"
	"testing"
)

// TestPastFormerVMLimits runs programs past the VM's former 16-bit operand
// limits (65,536 constants, globals, registers per function, arguments per
// call) on both engines: they must run, and alike (under -race only on the
// VM, against the same expected output, to keep the package fast).
func TestPastFormerVMLimits(t *testing.T) {
	const n = 66000
	list := func(format string, sep string) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = strings.ReplaceAll(format, "%d", fmt.Sprint(i))
		}
		return strings.Join(parts, sep)
	}
	progs := map[string]struct{ src, want string }{
		// one string constant per argument: past both limits at once
		"constants and arguments": {`puts(` + list(`"s%d"`, ", ") + `); 1`, list("s%d", "\n") + "\n=> 1\n"},
		"globals":                 {list("let g%d = %d;", "\n") + "\n[g0, g4463, g65999]", "=> [0, 4463, 65999]\n"},
		"registers":               {"fn() {\n" + list("let v%d = %d;", "\n") + "\n[v0, v4463, v65999]\n}()", "=> [0, 4463, 65999]\n"},
	}
	for name, p := range progs {
		t.Run(name, func(t *testing.T) {
			if got, _ := Run(p.src, VM); got != p.want {
				t.Fatalf("vm: %.200s", got[max(0, len(got)-200):])
			}
			if raceEnabled {
				return // the evaluator's side takes as long again under -race; it has no such limits
			}
			if got, _ := Run(p.src, Eval); got != p.want {
				t.Fatalf("eval: %.200s", got[max(0, len(got)-200):])
			}
		})
	}
}
