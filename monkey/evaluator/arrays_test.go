package evaluator

import (
	"runtime"
	"testing"

	"github.com/gee-project/gee/monkey/object"
	"github.com/gee-project/gee/monkey/parser"
)

// TestPushRestLinear builds a 20,000-element list with push and walks it with
// rest. With copying builtins that is 4·10^8 element copies (6 GB); with
// shared buffers it allocates a few bytes per element.
func TestPushRestLinear(t *testing.T) {
	prog, err := parser.Parse(`
let build = fn(a, n) { if (n == 0) { a } else { build(push(a, n), n - 1) } };
let sum = fn(a, acc) { if (len(a) == 0) { acc } else { sum(rest(a), acc + first(a)) } };
sum(build([], 20000), 0)`)
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	res := Eval(prog, object.NewEnvironment())
	runtime.ReadMemStats(&after)
	if res.Inspect() != "200010000" {
		t.Fatalf("got %s", res.Inspect())
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 32<<20 {
		t.Fatalf("allocated %d MiB for 20,000 elements", alloc>>20)
	}
}
