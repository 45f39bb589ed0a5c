package monkey

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/gee-project/gee/monkey/budget"
	"github.com/gee-project/gee/monkey/object"
)

var engines = map[string]Engine{"vm": VM, "eval": Eval}

type point struct {
	X, Y  int
	Label string `monkey:"label"`
	skip  int
	Tags  []string
}

// TestSameSurfaceOnBothEngines drives the whole embedding API on each engine.
func TestSameSurfaceOnBothEngines(t *testing.T) {
	for name, engine := range engines {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			in := NewWith(Options{Engine: engine, Output: &out})
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			must(in.Set("p", point{X: 3, Y: 4, Label: "a", skip: 9, Tags: []string{"x", "y"}}))
			must(in.Set("ids", map[int]bool{2: true, 1: false}))
			must(in.Set("repeat", strings.Repeat))
			must(in.Set("div", func(a, b int) (int, error) {
				if b == 0 {
					return 0, errors.New("div: by zero")
				}
				return a / b, nil
			}))
			must(in.Set("join", func(sep string, parts ...string) string { return strings.Join(parts, sep) }))
			v, err := in.Run(`puts(p["label"]); [p["X"] * p["Y"], p["skip"], p["Tags"][1], ids[2], repeat("ab", 3), div(7, 2), join("-", "a", "b", "c")]`)
			must(err)
			if got := v.Inspect(); got != "[12, null, y, true, ababab, 3, a-b-c]" || out.String() != "a\n" {
				t.Fatalf("got %s, output %q", got, out.String())
			}
			if _, err := in.Run(`div(1, 0)`); err == nil || err.Error() != "1:4: div: by zero" {
				t.Errorf("Go error: %v", err)
			}
			if _, err := in.Run(`repeat(1, 2)`); err == nil || !strings.Contains(err.Error(), "repeat: argument 1: cannot decode INTEGER into string") {
				t.Errorf("bad argument: %v", err)
			}
			// Globals persist; functions and string constants of one run work in the next.
			must2(t, in, `let greet = fn(n) { "hi " + n + suffix() }; let f = fn() { g() };`)
			must2(t, in, `let suffix = fn() { "!" }; let g = fn() { greet("you") };`)
			if v, err := in.Run(`f()`); err != nil || v.Inspect() != "hi you!" {
				t.Fatalf("closures across runs: %v, %v", v, err)
			}
			if v, err := in.Call("greet", "go"); err != nil || v.Inspect() != "hi go!" {
				t.Fatalf("Call: %v, %v", v, err)
			}
			var back point
			must(in.GetAs("p", &back))
			if back.X != 3 || back.Label != "a" || back.skip != 0 || len(back.Tags) != 2 {
				t.Errorf("GetAs struct: %+v", back)
			}
			var m map[string][]int
			must2(t, in, `let nums = {"odd": [1, 3], "even": [2]};`)
			must(in.GetAs("nums", &m))
			if fmt.Sprint(m) != "map[even:[2] odd:[1 3]]" {
				t.Errorf("GetAs map: %v", m)
			}
			var small int8
			must2(t, in, `let big = 1000;`)
			if err := in.GetAs("big", &small); err == nil || !strings.Contains(err.Error(), "overflows int8") {
				t.Errorf("GetAs overflow: %v", err)
			}
		})
	}
}

func must2(t *testing.T, in *Interpreter, src string) {
	t.Helper()
	if _, err := in.Run(src); err != nil {
		t.Fatalf("%s: %v", src, err)
	}
}

// TestProgramConcurrentRuns compiles once and runs on several goroutines
// with different inputs (under -race): runs never see each other's globals.
func TestProgramConcurrentRuns(t *testing.T) {
	for name, engine := range engines {
		t.Run(name, func(t *testing.T) {
			p, err := Compile(`let seen = if (seen) { "leaked" } else { "fresh" }; [price * qty + bonus(qty), seen, "s" + tag]`, Options{Engine: engine})
			if err != nil {
				t.Fatal(err)
			}
			bonus := func(n int) int { return n % 3 }
			var wg sync.WaitGroup
			errs := make(chan error, 8)
			for g := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range 200 {
						price, qty := g*10+i, i%7
						v, err := p.Run(context.Background(), map[string]any{"price": price, "qty": qty, "tag": fmt.Sprint(g),
							"bonus": bonus, "seen": nil, "unused": 1})
						want := fmt.Sprintf("[%d, fresh, s%d]", price*qty+qty%3, g)
						if err != nil || v.Inspect() != want {
							errs <- fmt.Errorf("goroutine %d run %d: %v, %v; want %s", g, i, v, err, want)
							return
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			if _, err := p.Run(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "identifier not found") {
				t.Errorf("missing input: %v", err)
			}
		})
	}
}

func TestProgramLimits(t *testing.T) {
	for name, engine := range engines {
		p, err := Compile(`let f = fn(n) { if (n == 0) { 0 } else { f(n - 1) + f(n - 1) } }; f(depth)`,
			Options{Engine: engine, Limits: budget.Limits{MaxSteps: 10000}})
		if err != nil {
			t.Fatal(err)
		}
		if v, err := p.Run(context.Background(), map[string]any{"depth": 5}); err != nil || v.Inspect() != "0" {
			t.Errorf("%s within the limit: %v, %v", name, v, err)
		}
		if _, err := p.Run(context.Background(), map[string]any{"depth": 40}); !errors.Is(err, budget.ErrSteps) {
			t.Errorf("%s past the limit: %v", name, err)
		}
	}
}

func TestToObjectErrors(t *testing.T) {
	type loop struct{ Next *loop }
	l := &loop{}
	l.Next = l
	for _, v := range []any{1.5, make(chan int), l, map[float64]int{1: 1}, uint64(1 << 63), func() (int, int) { return 1, 2 }} {
		if _, err := ToObject(v); err == nil {
			t.Errorf("ToObject(%T) succeeded", v)
		}
	}
	if o, err := ToObject([]byte("hi")); err != nil || o.Inspect() != "hi" {
		t.Errorf("[]byte: %v, %v", o, err)
	}
	var np *point
	if o, err := ToObject(np); err != nil || o != object.NULL {
		t.Errorf("nil pointer: %v, %v", o, err)
	}
}

func TestGetAsFunc(t *testing.T) {
	for name, engine := range engines {
		in := NewWith(Options{Engine: engine})
		must2(t, in, `let area = fn(p) { p["X"] * p["Y"] }; let fail = fn(x) { x + true }; let n = 1;`)
		var area func(point) int
		if err := in.GetAs("area", &area); err != nil {
			t.Fatal(err)
		}
		if got := area(point{X: 6, Y: 7}); got != 42 {
			t.Errorf("%s: area = %d", name, got)
		}
		var fail func(int) (int, error)
		if err := in.GetAs("fail", &fail); err != nil {
			t.Fatal(err)
		}
		if _, err := fail(1); err == nil || !strings.Contains(err.Error(), "type mismatch: INTEGER + BOOLEAN") {
			t.Errorf("%s: fail: %v", name, err)
		}
		var notFn func()
		if err := in.GetAs("n", &notFn); err == nil {
			t.Errorf("%s: an integer became a func", name)
		}
	}
}

// TestNamesAsGlobals checks what declaring every name as a VM global must
// not change: quote/unquote, builtins, and a host value shadowing a builtin.
func TestNamesAsGlobals(t *testing.T) {
	src := `let x = 8; [quote(x + unquote(x * 2)), len("ab"), first([3])]`
	for name, engine := range engines {
		p, err := Compile(src, Options{Engine: engine})
		if err != nil {
			t.Fatal(err)
		}
		v, err := p.Run(context.Background(), map[string]any{"first": func(xs []int) int { return -xs[0] }})
		if err != nil || v.Inspect() != "[QUOTE((x + 16)), 2, -3]" {
			t.Errorf("%s Program: %v, %v", name, v, err)
		}
		in := NewWith(Options{Engine: engine})
		if v, err := in.Run(src); err != nil || v.Inspect() != "[QUOTE((x + 16)), 2, 3]" {
			t.Errorf("%s Interpreter: %v, %v", name, v, err)
		}
	}
}
