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

const mapReduceSource = `
let reduce = fn(arr, initial, f) {
  let iter = fn(arr, result) {
    if (len(arr) == 0) { result } else { iter(rest(arr), f(result, first(arr))) }
  };
  iter(arr, initial)
};
let map = fn(arr, f) { reduce(arr, [], fn(acc, x) { push(acc, f(x)) }) };
let range = fn(n) { let iter = fn(i, acc) { if (i == n) { acc } else { iter(i + 1, push(acc, i)) } }; iter(0, []) };
let adder = fn(k) { fn(x) { x + k } };
reduce(map(range(200), adder(3)), 0, fn(a, b) { a + b })
`

// BenchmarkMapReduce exercises closures, array builtins and allocation.
func BenchmarkMapReduce(b *testing.B) { benchProgram(b, mapReduceSource, "20500") }

const stringsAndHashesSource = `
let keys = ["alpha", "beta", "gamma", "delta"];
let build = fn(i, h) {
  if (i == 0) { h } else { build(i - 1, {"alpha": h["beta"] + 1, "beta": h["gamma"], "gamma": h["delta"], "delta": i}) }
};
let h = build(500, {"alpha": 0, "beta": 0, "gamma": 0, "delta": 0});
let join = fn(arr, acc) { if (len(arr) == 0) { acc } else { join(rest(arr), acc + first(arr)) } };
join(keys, "") + ":" + join(["x", "y"], "")
`

// BenchmarkStringsAndHashes exercises hash literals, lookups and concatenation.
func BenchmarkStringsAndHashes(b *testing.B) {
	benchProgram(b, stringsAndHashesSource, "alphabetagammadelta:xy")
}
