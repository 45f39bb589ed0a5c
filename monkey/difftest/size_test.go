package difftest

import (
	"fmt"
	"strings"
	"testing"
)

// TestPastFormerVMLimits runs programs past the VM's former 16-bit operand
// limits (65,536 constants, globals, registers per function, arguments per
// call) on both engines: they must run, and alike.
func TestPastFormerVMLimits(t *testing.T) {
	const n = 66000
	list := func(format string, sep string) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = strings.ReplaceAll(format, "%d", fmt.Sprint(i))
		}
		return strings.Join(parts, sep)
	}
	progs := map[string]string{
		// one string constant per argument: past both limits at once
		"constants and arguments": `puts(` + list(`"s%d"`, ", ") + `); 1`,
		"globals":                 list("let g%d = %d;", "\n") + "\n[g0, g4463, g65999]",
		"registers":               "fn() {\n" + list("let v%d = %d;", "\n") + "\n[v0, v4463, v65999]\n}()",
	}
	for name, src := range progs {
		t.Run(name, func(t *testing.T) {
			want, ok := Run(src, Eval)
			if !ok || strings.Contains(want, "error") {
				t.Fatalf("evaluator: %.200s", want)
			}
			if got, _ := Run(src, VM); got != want {
				t.Fatalf("vm: %.200s\neval: %.200s", got[max(0, len(got)-200):], want[max(0, len(want)-200):])
			}
		})
	}
}
