package vm

import (
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/gee-project/gee/monkey/compiler"
	"github.com/gee-project/gee/monkey/parser"
)

func benchProgram(b *testing.B, src string) {
	prog, err := parser.Parse(src)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Run(prog, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFib25(b *testing.B) {
	benchProgram(b, `let fibonacci = fn(x) {
  if (x == 0) { 0 } else { if (x == 1) { return 1; } else { fibonacci(x - 1) + fibonacci(x - 2); } }
};
fibonacci(25);`)
}

func BenchmarkFib35(b *testing.B) {
	benchProgram(b, `let fibonacci = fn(x) {
  if (x == 0) { 0 } else { if (x == 1) { return 1; } else { fibonacci(x - 1) + fibonacci(x - 2); } }
};
fibonacci(35);`)
}

func BenchmarkArrayMapReduce(b *testing.B) {
	src, err := os.ReadFile("../../bench/monkey/scripts/array.monkey")
	if err != nil {
		b.Skip(err)
	}
	benchProgram(b, string(src))
}

func BenchmarkHashFillLookup(b *testing.B) {
	var src strings.Builder
	src.WriteString("let h = {")
	for i := 0; i < 100000; i++ {
		if i > 0 {
			src.WriteString(", ")
		}
		fmt.Fprintf(&src, "%d: %d", i, 2*i)
	}
	src.WriteString("};\nlet look = fn(lo, hi) { if (lo == hi) { h[lo] } else { let mid = (lo + hi) / 2; look(lo, mid) + look(mid + 1, hi) } };\nlook(0, 99999);")
	prog, err := parser.Parse(src.String())
	if err != nil {
		b.Fatal(err)
	}
	bc, err := compiler.Compile(prog)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		m, err := New(bc, io.Discard, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := m.Run(); err != nil {
			b.Fatal(err)
		}
	}
}
