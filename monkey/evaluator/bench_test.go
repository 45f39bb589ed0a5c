package evaluator

import (
	"fmt"
	"testing"

	"github.com/gee-project/gee/monkey/object"
	"github.com/gee-project/gee/monkey/parser"
)

// fibSource is the book's benchmark program.
const fibSource = `
let fibonacci = fn(x) {
  if (x == 0) {
    0
  } else {
    if (x == 1) {
      return 1;
    } else {
      fibonacci(x - 1) + fibonacci(x - 2);
    }
  }
};
fibonacci(%d);
`

func benchProgram(b *testing.B, src string, want string) {
	prog, err := parser.Parse(src)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res := Eval(prog, object.NewEnvironment())
		if res == nil || res.Inspect() != want {
			b.Fatalf("got %v, want %s", res, want)
		}
	}
}

func BenchmarkFibonacci25(b *testing.B) {
	benchProgram(b, sprintf(fibSource, 25), "75025")
}

func sprintf(format string, n int) string { return fmt.Sprintf(format, n) }
