package monkey

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/gee-project/gee/monkey/ast"
	"github.com/gee-project/gee/monkey/budget"
	"github.com/gee-project/gee/monkey/evaluator"
	"github.com/gee-project/gee/monkey/object"
	"github.com/gee-project/gee/monkey/vm"
)

// Program is source compiled once (parsed, macro-expanded and, on the VM,
// compiled to bytecode) to run many times. It is safe for concurrent use:
// each Run has its own globals, set from its vars.
type Program struct {
	opts  Options
	prog  *ast.Program // what the evaluator runs
	vmp   *vm.Program
	slots map[string]int // VM global slot of each name the program uses
	pool  sync.Pool      // *vm.VM, reused between runs
}

// Compile prepares src to run with opts. Macro expansion runs now, under
// opts.Limits. Syntax errors are a parser.ErrorList, macro errors an
// *object.Error.
func Compile(src string, opts Options) (*Program, error) {
	prog, err := prepare(src, object.NewEnvironment(), budget.New(context.Background(), opts.Limits))
	if err != nil {
		return nil, err
	}
	p := &Program{opts: opts, prog: prog}
	if opts.Engine == Eval {
		return p, nil
	}
	// Every name the program mentions may be an input: declaring them all
	// as globals lets the host bind any of them per run (locals still win).
	if p.vmp, err = load(prog, identifiers(prog)); err != nil {
		return nil, err
	}
	p.slots = map[string]int{}
	for i, name := range p.vmp.Globals() {
		p.slots[name] = i
	}
	return p, nil
}

// identifiers lists the names used in prog, sorted.
func identifiers(prog *ast.Program) []string {
	seen := map[string]bool{}
	ast.Inspect(prog, func(n ast.Node) bool {
		if id, ok := n.(*ast.Identifier); ok {
			seen[id.Value] = true
		}
		return true
	})
	names := make([]string, 0, len(seen))
	for name := range seen {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// Run runs the program under ctx and the program's limits, with the globals
// in vars (converted by ToObject; a value may be a Go func) and returns its
// value. Names in vars the program does not use are ignored.
func (p *Program) Run(ctx context.Context, vars map[string]any) (object.Object, error) {
	if p.vmp == nil {
		meter := budget.New(ctx, p.opts.Limits)
		env := object.NewEnvironment()
		env.SetOutput(p.opts.output())
		for name, v := range vars {
			o, err := toVar(name, v)
			if err != nil {
				return nil, err
			}
			env.Set(name, o)
		}
		return result(evaluator.EvalMetered(p.prog, env, meter))
	}
	opts := vm.Options{Context: ctx, Limits: p.opts.Limits}
	m, _ := p.pool.Get().(*vm.VM)
	if m == nil {
		m = vm.NewVM(p.vmp, p.opts.output(), opts)
	} else {
		m.Reset(p.opts.output(), opts)
	}
	defer p.pool.Put(m)
	for name, v := range vars {
		slot, ok := p.slots[name]
		if !ok {
			continue
		}
		o, err := toVar(name, v)
		if err != nil {
			return nil, err
		}
		m.SetGlobal(slot, o)
	}
	return m.Run()
}

func toVar(name string, v any) (object.Object, error) {
	o, err := ToObject(v)
	if err != nil {
		return nil, fmt.Errorf("monkey: global %s: %w", name, err)
	}
	if b, ok := o.(*object.Builtin); ok && b.Name == "" {
		b.Name = name
	}
	return o, nil
}
