package vm

import (
	"io"
	"os"
	"testing"

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
