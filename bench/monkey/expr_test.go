package monkey

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/dop251/goja"
	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
	lua "github.com/yuin/gopher-lua"

	gee "github.com/gee-project/gee/monkey"
	"github.com/gee-project/gee/monkey/object"
)

// The embedding case: compile a small expression once, then run it
// exprRuns times with different inputs, as a rules engine or a template
// filter does. Every engine gets its inputs as named globals per run: gee
// and expr through a map built per run (their APIs take one), goja and
// gopher-lua by setting three globals.
const exprRuns = 10000

func exprInputs(i int) (price, qty, discount int) { return i%50 + 1, i % 40, i % 7 }

// exprWant is the sum of the expression's results over the runs.
func exprWant() int64 {
	var sum int64
	for i := range exprRuns {
		p, q, d := exprInputs(i)
		v := p * q
		if v > 1000 {
			v -= d
		}
		sum += int64(v)
	}
	return sum
}

// exprImpl prepares the expression (untimed) and returns a function that
// runs it once with inputs.
type exprImpl struct {
	name    string
	prepare func() (func(price, qty, discount int) (int64, error), error)
}

var exprImpls = []exprImpl{
	{"gee", func() (func(int, int, int) (int64, error), error) {
		p, err := gee.Compile(`if (price * qty > 1000) { price * qty - discount } else { price * qty }`, gee.Options{})
		if err != nil {
			return nil, err
		}
		ctx := context.Background()
		return func(price, qty, discount int) (int64, error) {
			v, err := p.Run(ctx, map[string]any{"price": price, "qty": qty, "discount": discount})
			if err != nil {
				return 0, err
			}
			return v.(*object.Integer).Value, nil
		}, nil
	}},
	{"expr", func() (func(int, int, int) (int64, error), error) {
		env := map[string]any{"price": 0, "qty": 0, "discount": 0}
		prog, err := expr.Compile(`price * qty > 1000 ? price * qty - discount : price * qty`, expr.Env(env))
		if err != nil {
			return nil, err
		}
		var machine vm.VM
		return func(price, qty, discount int) (int64, error) {
			v, err := machine.Run(prog, map[string]any{"price": price, "qty": qty, "discount": discount})
			if err != nil {
				return 0, err
			}
			return int64(v.(int)), nil
		}, nil
	}},
	{"goja", func() (func(int, int, int) (int64, error), error) {
		prog, err := goja.Compile("expr.js", `price * qty > 1000 ? price * qty - discount : price * qty`, false)
		if err != nil {
			return nil, err
		}
		rt := goja.New()
		return func(price, qty, discount int) (int64, error) {
			if err := errors.Join(rt.Set("price", price), rt.Set("qty", qty), rt.Set("discount", discount)); err != nil {
				return 0, err
			}
			v, err := rt.RunProgram(prog)
			if err != nil {
				return 0, err
			}
			return v.ToInteger(), nil
		}, nil
	}},
	{"gopher-lua", func() (func(int, int, int) (int64, error), error) {
		L := lua.NewState()
		fn, err := L.LoadString(`if price * qty > 1000 then return price * qty - discount else return price * qty end`)
		if err != nil {
			return nil, err
		}
		return func(price, qty, discount int) (int64, error) {
			L.SetGlobal("price", lua.LNumber(price))
			L.SetGlobal("qty", lua.LNumber(qty))
			L.SetGlobal("discount", lua.LNumber(discount))
			L.Push(fn)
			if err := L.PCall(0, 1, nil); err != nil {
				return 0, err
			}
			n, ok := L.Get(-1).(lua.LNumber)
			L.Pop(1)
			if !ok {
				return 0, fmt.Errorf("result is not a number")
			}
			return int64(n), nil
		}, nil
	}},
}

// exprSum runs the expression exprRuns times and sums the results.
func exprSum(run func(int, int, int) (int64, error)) (int64, error) {
	var sum int64
	for i := range exprRuns {
		v, err := run(exprInputs(i))
		if err != nil {
			return 0, err
		}
		sum += v
	}
	return sum, nil
}

// BenchmarkMonkeyExpr times exprRuns runs of the compiled expression per
// iteration (compilation is outside the timing).
func BenchmarkMonkeyExpr(b *testing.B) {
	want := exprWant()
	for _, im := range exprImpls {
		b.Run("discount10k/"+im.name, func(b *testing.B) {
			run, err := im.prepare()
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				got, err := exprSum(run)
				if err != nil || got != want {
					b.Fatalf("sum %d, %v; want %d", got, err, want)
				}
			}
		})
	}
}

func TestExprEnginesAgree(t *testing.T) {
	want := exprWant()
	for _, im := range exprImpls {
		run, err := im.prepare()
		if err != nil {
			t.Fatalf("%s: %v", im.name, err)
		}
		if got, err := exprSum(run); err != nil || got != want {
			t.Errorf("%s: sum %d, %v; want %d", im.name, got, err, want)
		}
	}
}
