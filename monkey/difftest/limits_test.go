package difftest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gee-project/gee/monkey"
	"github.com/gee-project/gee/monkey/budget"
	"github.com/gee-project/gee/monkey/object"
)

// forever makes 2^60 calls but never more than 60 frames deep: only a
// limit stops it.
const forever = `let f = fn(n) { if (n == 0) { 0 } else { f(n - 1) + f(n - 1) } }; f(60)`

// engines returns both engines under ctx and lim.
func engines(ctx context.Context, lim budget.Limits) map[string]Engine {
	return map[string]Engine{"eval": EvalUnder(ctx, lim), "vm": VMUnder(ctx, lim)}
}

// runErr prepares and runs src on engine and returns its runtime error.
func runErr(t *testing.T, src string, engine Engine) *object.Error {
	t.Helper()
	prog, err := monkey.Prepare(src)
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine(prog, &bytes.Buffer{})
	var oe *object.Error
	if !errors.As(err, &oe) {
		t.Fatalf("want a runtime error, got value %v, error %v", res, err)
	}
	if !oe.Pos.IsValid() {
		t.Errorf("error without position: %v", oe)
	}
	return oe
}

func TestDeadlineStopsTightRecursion(t *testing.T) {
	for _, name := range []string{"eval", "vm"} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
			defer cancel()
			start := time.Now()
			err := runErr(t, forever, engines(ctx, budget.Limits{})[name])
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("stopped %v after the deadline", took)
			}
			if !errors.Is(err, context.DeadlineExceeded) || err.Message != "time limit exceeded: context deadline exceeded" {
				t.Fatalf("got %v", err)
			}
		})
	}
}

func TestCancelStopsRun(t *testing.T) {
	for _, name := range []string{"eval", "vm"} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(20*time.Millisecond, cancel)
			err := runErr(t, forever, engines(ctx, budget.Limits{})[name])
			if !errors.Is(err, context.Canceled) || err.Message != "run canceled: context canceled" {
				t.Fatalf("got %v", err)
			}
		})
	}
}

func TestStepLimitAgrees(t *testing.T) {
	for name, engine := range engines(context.Background(), budget.Limits{MaxSteps: 5000}) {
		err := runErr(t, forever, engine)
		if !errors.Is(err, budget.ErrSteps) || err.Error() != "1:54: step limit exceeded: 5000 steps" {
			t.Errorf("%s: got %v", name, err)
		}
	}
}

func TestMemoryLimit(t *testing.T) {
	const limit = 1 << 18
	progs := map[string]string{ // each allocates well past 256 KiB
		"push":   `let b = fn(a, n) { if (n == 0) { len(a) } else { b(push(a, n), n - 1) } }; b([], 30000)`,
		"concat": `let b = fn(s, n) { if (n == 0) { len(s) } else { b(s + "0123456789", n - 1) } }; b("", 30000)`,
		"arrays": `let b = fn(n) { if (n == 0) { 0 } else { [n, n, n, n]; b(n - 1) } }; b(30000)`,
		"hashes": `let b = fn(n) { if (n == 0) { 0 } else { {n: n}; b(n - 1) } }; b(30000)`,
	}
	for name, engine := range engines(context.Background(), budget.Limits{MaxMem: limit}) {
		for prog, src := range progs {
			err := runErr(t, src, engine)
			if !errors.Is(err, budget.ErrMemory) || !strings.HasSuffix(err.Message, "memory limit exceeded: 262144 bytes") {
				t.Errorf("%s %s: got %v", name, prog, err)
			}
		}
		// A program within the budget runs as without it.
		small := `let b = fn(a, n) { if (n == 0) { len(a) } else { b(push(a, n), n - 1) } }; b([], 1000)`
		if got, _ := Run(small, engine); got != "=> 1000\n" {
			t.Errorf("%s: within the budget got %q", name, got)
		}
	}
}

// TestMacroExpansionObeysLimits runs a macro body that never ends.
func TestMacroExpansionObeysLimits(t *testing.T) {
	src := `let m = macro(x) { let f = fn(n) { if (n == 0) { 0 } else { f(n - 1) + f(n - 1) } }; f(60); x }; m(1)`
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if _, err := monkey.PrepareContext(ctx, src, budget.Limits{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("deadline: got %v", err)
	}
	if _, err := monkey.PrepareContext(context.Background(), src, budget.Limits{MaxSteps: 100}); !errors.Is(err, budget.ErrSteps) {
		t.Errorf("steps: got %v", err)
	}
}

// TestMemoryAccountingAgrees builds literals bigger than the compiler's
// 256-element chunks: both engines charge each element or pair once.
func TestMemoryAccountingAgrees(t *testing.T) {
	var pairs, elems []string
	for i := range 1000 {
		pairs = append(pairs, fmt.Sprintf("%d: %d", i, i))
		elems = append(elems, fmt.Sprint(i))
	}
	for src, size := range map[string]int64{
		"let h = {" + strings.Join(pairs, ", ") + "}; 1": 1000 * budget.PairSize,
		"let a = [" + strings.Join(elems, ", ") + "]; 1": 1000 * budget.ElementSize,
	} {
		for name, engine := range engines(context.Background(), budget.Limits{MaxMem: size}) {
			if got, _ := Run(src, engine); got != "=> 1\n" {
				t.Errorf("%s at exactly its size: %q", name, got)
			}
		}
		for name, engine := range engines(context.Background(), budget.Limits{MaxMem: size - 1}) {
			if got, _ := Run(src, engine); !strings.Contains(got, "memory limit exceeded") {
				t.Errorf("%s one byte short: %q", name, got)
			}
		}
	}
}
