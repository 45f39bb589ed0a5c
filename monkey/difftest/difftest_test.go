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
