package monkey

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gee-project/gee/monkey/budget"
	"github.com/gee-project/gee/monkey/object"
	"github.com/gee-project/gee/monkey/parser"
)

func TestRunKeepsGlobalsAndMacros(t *testing.T) {
	in := New()
	var out bytes.Buffer
	in.SetOutput(&out)
	if _, err := in.Run(`let twice = macro(x) { quote(unquote(x) * 2) }; let base = 20; puts("set")`); err != nil {
		t.Fatal(err)
	}
	v, err := in.Run("twice(base + 1)")
	if err != nil || v.Inspect() != "42" {
		t.Fatalf("got %v, %v", v, err)
	}
	if out.String() != "set\n" {
		t.Errorf("puts wrote %q", out.String())
	}
	if v, ok := in.Get("base"); !ok || v.Inspect() != "20" {
		t.Errorf("Get(base) = %v, %v", v, ok)
	}
}

func TestRunErrors(t *testing.T) {
	in := New()
	_, err := in.Run("let x = ;\nlet y = 1 +;")
	var list parser.ErrorList
	if !errors.As(err, &list) || len(list) != 2 || list[1].Pos.Line != 2 {
		t.Fatalf("parse error = %v", err)
	}
	_, err = in.Run("let ok = 1;\n ok + true")
	var rt *object.Error
	if !errors.As(err, &rt) || rt.Error() != "2:5: type mismatch: INTEGER + BOOLEAN" {
		t.Fatalf("runtime error = %v", err)
	}
	if v, ok := in.Get("ok"); !ok || v.Inspect() != "1" {
		t.Error("a failing run lost a global defined before the error")
	}
}

func TestSetRegisterCall(t *testing.T) {
	in := New()
	for name, v := range map[string]any{"n": 7, "big": int64(1) << 40, "s": "str", "b": true, "nothing": nil,
		"list": []any{1, "two", []any{false}}, "conf": map[string]any{"port": 80, "host": "localhost"}} {
		if err := in.Set(name, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := in.Set("bad", 1.5); err == nil || !strings.Contains(err.Error(), "float64") {
		t.Errorf("Set(float) error = %v", err)
	}
	in.Register("sum", func(args ...object.Object) (object.Object, error) {
		total := int64(0)
		for i, a := range args {
			n, ok := a.(*object.Integer)
			if !ok {
				return nil, fmt.Errorf("sum: argument %d is %s, want INTEGER", i+1, a.Type())
			}
			total += n.Value
		}
		return object.NewInteger(total), nil
	})
	v, err := in.Run(`[sum(n, 3), big, s, b, nothing, list, conf["host"], conf["port"], sum()]`)
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Inspect(); got != "[10, 1099511627776, str, true, null, [1, two, [false]], localhost, 80, 0]" {
		t.Errorf("got %s", got)
	}
	_, err = in.Run(`sum(1, "x")`)
	if err == nil || err.Error() != "1:4: sum: argument 2 is STRING, want INTEGER" {
		t.Errorf("Go error = %v", err)
	}
	if _, err := in.Run("let mul = fn(a, b) { a * b };"); err != nil {
		t.Fatal(err)
	}
	if v, err := in.Call("mul", 6, 7); err != nil || FromObject(v) != int64(42) {
		t.Errorf("Call(mul) = %v, %v", v, err)
	}
	if _, err := in.Call("mul", 1); err == nil || !strings.Contains(err.Error(), "wrong number of arguments: want=2, got=1") {
		t.Errorf("Call with too few args = %v", err)
	}
	if _, err := in.Call("missing"); err == nil {
		t.Error("Call(missing) succeeded")
	}
}

func TestFromObject(t *testing.T) {
	in := New()
	v, err := in.Run(`{"a": [1, true, "s", if (false) { 1 }], 2: {}}`)
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(FromObject(v))
	if got != "map[a:[1 true s <nil>] 2:map[]]" {
		t.Errorf("FromObject = %s", got)
	}
}

func TestPrepare(t *testing.T) {
	prog, err := Prepare("let m = macro(x) { quote(unquote(x) + 1) }; m(2)")
	if err != nil || prog.String() != "(2 + 1)" {
		t.Fatalf("Prepare = %v, %v", prog, err)
	}
	if _, err := Prepare("let m = macro() { 1 }; m()"); err == nil {
		t.Error("macro returning a non-quote should fail")
	}
}

func TestStepLimit(t *testing.T) {
	in := New()
	in.SetLimits(budget.Limits{MaxSteps: 100})
	_, err := in.Run("let f = fn(n) { if (n == 0) { 0 } else { f(n - 1) } }; f(1000)")
	if err == nil || !strings.HasSuffix(err.Error(), "step limit exceeded: 100 steps") {
		t.Fatalf("got %v", err)
	}
	if v, err := in.Run("f(50)"); err != nil || v.Inspect() != "0" {
		t.Errorf("within the limit: %v, %v", v, err)
	}
}

// TestInterpretersAreIndependent runs separate interpreters in parallel: they
// share no mutable state (checked under -race).
func TestInterpretersAreIndependent(t *testing.T) {
	const workers = 4
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		go func(w int) {
			in := New()
			var out bytes.Buffer
			in.SetOutput(&out)
			if err := in.Set("id", w); err != nil {
				errs <- err
				return
			}
			v, err := in.Run(`let fib = fn(n) { if (n < 2) { n } else { fib(n - 1) + fib(n - 2) } };
				let h = {"id": id}; puts(h["id"]); [fib(15), push([id], id * 2)]`)
			switch {
			case err != nil:
				errs <- err
			case v.Inspect() != fmt.Sprintf("[610, [%d, %d]]", w, w*2) || out.String() != fmt.Sprintf("%d\n", w):
				errs <- fmt.Errorf("worker %d: got %s, printed %q", w, v.Inspect(), out.String())
			default:
				errs <- nil
			}
		}(w)
	}
	for w := 0; w < workers; w++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestPanickingBuiltin registers a Go function that panics: the script gets a
// runtime error naming the builtin at the call, and the host goes on.
func TestPanickingBuiltin(t *testing.T) {
	in := New()
	in.Register("boom", func(args ...object.Object) (object.Object, error) {
		var xs []int
		return object.NewInteger(int64(xs[len(args)])), nil // index out of range
	})
	_, err := in.Run("let f = fn() {\n  1 + boom(2)\n};\nf()")
	var oe *object.Error
	if !errors.As(err, &oe) || oe.Pos.String() != "2:11" ||
		!strings.HasPrefix(oe.Message, "builtin boom panicked: runtime error: index out of range") {
		t.Fatalf("got %v", err)
	}
	if _, err := in.Call("boom"); err == nil || !strings.Contains(err.Error(), "builtin boom panicked") {
		t.Fatalf("Call: got %v", err)
	}
	if v, err := in.Run("len([1, 2])"); err != nil || v.Inspect() != "2" {
		t.Fatalf("interpreter unusable after the panic: %v, %v", v, err)
	}
}

func TestCallObeysLimits(t *testing.T) {
	in := New()
	if _, err := in.Run(`let f = fn(n) { if (n == 0) { 0 } else { f(n - 1) + f(n - 1) } };`); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := in.CallContext(ctx, "f", 60); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("deadline: got %v", err)
	}
	in.SetLimits(budget.Limits{MaxSteps: 1000})
	if _, err := in.Call("f", 60); !errors.Is(err, budget.ErrSteps) {
		t.Fatalf("steps: got %v", err)
	}
	in.SetLimits(budget.Limits{MaxMem: 1000})
	if _, err := in.Run(`let g = fn(n) { if (n == 0) { [] } else { push(g(n - 1), n) } };`); err != nil {
		t.Fatal(err)
	}
	if _, err := in.Call("g", 1000); !errors.Is(err, budget.ErrMemory) {
		t.Fatalf("memory: got %v", err)
	}
}
