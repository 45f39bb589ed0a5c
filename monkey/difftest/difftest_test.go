package difftest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func corpus(t testing.TB) map[string]string {
	files, err := filepath.Glob("../testdata/*.monkey")
	if err != nil || len(files) == 0 {
		t.Fatalf("corpus: %d files, %v", len(files), err)
	}
	progs := map[string]string{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		progs[strings.TrimSuffix(filepath.Base(f), ".monkey")] = string(src)
	}
	return progs
}

// TestCorpusAgrees runs every corpus program on both engines.
func TestCorpusAgrees(t *testing.T) {
	for name, src := range corpus(t) {
		t.Run(name, func(t *testing.T) {
			want, _ := Run(src, Eval)
			got, _ := Run(src, VM)
			if got != want {
				t.Errorf("vm:\n%s\neval:\n%s", got, want)
			}
		})
	}
}

// agree runs src on both engines (with a call limit, so generated or
// mutated programs stay short) and fails if they differ. Runs that end in
// "stack overflow" are not compared: the engines bound their stacks
// differently (the VM's limit is far deeper), so output before it differs.
func agree(t *testing.T, src string) {
	t.Helper()
	want, ok := Run(src, LimitedEval(2000))
	if !ok {
		return
	}
	got, _ := Run(src, LimitedVM(2000))
	if strings.Contains(want, "stack overflow") || strings.Contains(got, "stack overflow") {
		return
	}
	if got != want {
		t.Fatalf("engines differ on\n%s\n--- vm ---\n%s--- eval ---\n%s", src, got, want)
	}
}

func FuzzEnginesAgree(f *testing.F) {
	for _, src := range corpus(f) {
		f.Add(src)
	}
	for _, src := range []string{
		`let f = fn() { let g = fn() { y }; let y = 5; g() }; f()`,
		`let x = "g"; let f = fn(c) { if (c) { let x = "l"; } x }; [f(true), f(false)]`,
		`fn(a) { fn(b) { fn(c) { a + b + c } } }(1)(2)(3)`,
		`let a = [1]; let b = push(a, 2); [push(a, 3), b, rest(b)]`,
		`{"a": 1, 2: [3], true: fn(x) { x }}`,
	} {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src string) {
		agree(t, src)
	})
}

func FuzzGeneratedPrograms(f *testing.F) {
	for seed := uint64(0); seed < 300; seed++ {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, seed uint64) {
		agree(t, Generate(seed))
	})
}
