package evaluator

import (
	"os"
	"path/filepath"
	"testing"
)

// TestFrameReuseIsInvisible runs the corpus with and without the frame pool.
func TestFrameReuseIsInvisible(t *testing.T) {
	files, err := filepath.Glob("../testdata/*.monkey")
	if err != nil || len(files) == 0 {
		t.Fatalf("corpus: %v", err)
	}
	progs := []string{
		// g reuses f's frame; its unbound slots must not see f's values.
		"let f = fn(a, b, c) { a + b + c }; let g = fn(x) { if (false) { let y = 1 }; [x, y] }; f(1, 2, 3); g(5)",
		"let y = 7; let f = fn(a, b, c) { a + b + c }; let g = fn(x) { if (false) { let y = 1 }; [x, y] }; f(1, 2, 3); g(5)",
		"let f = fn(a, b, c, d, e) { [a, e] }; let g = fn(x) { let p = x; p }; [f(1, 2, 3, 4, 5), g(9), f(5, 4, 3, 2, 1)]",
		"let f = fn(n) { if (n == 0) { 0 } else { let k = n; k + f(n - 1) } }; f(f(3))",
	}
	for _, f := range files {
		if filepath.Base(f) == "40_parse_errors.monkey" {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		progs = append(progs, string(src))
	}
	defer func() { reuseFrames = true }()
	for _, src := range progs {
		reuseFrames = true
		pooled, pooledOut := run(t, src)
		reuseFrames = false
		fresh, freshOut := run(t, src)
		if pooled != fresh || pooledOut != freshOut {
			t.Errorf("%.50s: with reuse %q / %q, without %q / %q", src, pooled, pooledOut, fresh, freshOut)
		}
	}
}
