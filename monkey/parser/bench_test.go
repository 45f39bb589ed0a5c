package parser

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkParseCorpus parses every program of the shared corpus once per op.
func BenchmarkParseCorpus(b *testing.B) {
	files, _ := filepath.Glob("../testdata/*.monkey")
	var srcs []string
	size := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		if !strings.Contains(f, "parse_errors") {
			srcs = append(srcs, string(data))
			size += len(data)
		}
	}
	b.SetBytes(int64(size))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, src := range srcs {
			if _, err := Parse(src); err != nil {
				b.Fatal(err)
			}
		}
	}
}
