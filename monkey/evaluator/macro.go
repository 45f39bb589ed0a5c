package evaluator

import (
	"github.com/gee-project/gee/monkey/ast"
	"github.com/gee-project/gee/monkey/budget"
	"github.com/gee-project/gee/monkey/object"
)

// DefineMacros moves every top-level `let name = macro(...) {...}` out of
// program and into env.
func DefineMacros(program *ast.Program, env *object.Environment) {
	kept := program.Statements[:0]
	for _, s := range program.Statements {
		let, ok := s.(*ast.LetStatement)
		if !ok {
			kept = append(kept, s)
			continue
		}
		lit, ok := let.Value.(*ast.MacroLiteral)
		if !ok {
			kept = append(kept, s)
			continue
		}
		env.Set(let.Name.Value, &object.Macro{Parameters: lit.Parameters, Body: lit.Body, Env: env})
	}
	program.Statements = kept
}

// ExpandMacros replaces every call of a macro defined in env by the syntax
// tree the macro returns. The macro receives its arguments unevaluated, as
// quotes. It fails if a macro errs or returns something other than a quote.
func ExpandMacros(program ast.Node, env *object.Environment) (ast.Node, *object.Error) {
	return ExpandMacrosMetered(program, env, budget.Unlimited())
}

// ExpandMacrosMetered is ExpandMacros under meter's context and limits:
// each macro call is a step, and the macro bodies' calls and allocations
// count as in a run.
func ExpandMacrosMetered(program ast.Node, env *object.Environment, meter *budget.Meter) (expanded ast.Node, err *object.Error) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(*object.Error)
			if !ok {
				panic(r)
			}
			expanded, err = nil, e
		}
	}()
	m := newMachine(env, meter)
	return ast.Modify(program, func(n ast.Node) ast.Node {
		call, ok := n.(*ast.CallExpression)
		if !ok {
			return n
		}
		macro := macroOf(call, env)
		if macro == nil {
			return n
		}
		return expand(macro, call, m)
	}), nil
}

// withinSize reports whether the tree under n has at most limit nodes,
// stopping as soon as it has seen more.
func withinSize(n ast.Node, limit int) bool {
	left := limit
	ast.Inspect(n, func(ast.Node) bool {
		left--
		return left >= 0
	})
	return left >= 0
}
func macroOf(call *ast.CallExpression, env *object.Environment) *object.Macro {
	id, ok := call.Function.(*ast.Identifier)
	if !ok {
		return nil
	}
	v, _ := env.Get(id.Value)
	macro, _ := v.(*object.Macro)
	return macro
}

// expand runs one macro call: the body is compiled like a function of the
// macro's environment and called with the quoted arguments.
func expand(macro *object.Macro, call *ast.CallExpression, m *machine) ast.Node {
	if len(call.Arguments) != len(macro.Parameters) {
		fail(call.Token.Pos, "wrong number of arguments: want=%d, got=%d", len(macro.Parameters), len(call.Arguments))
	}
	if m.meter.Tick--; m.meter.Tick < 0 {
		m.step(call.Token.Pos)
	}
	c := newCompiler(macro.Env)
	p := c.function(macro.Parameters, macro.Body, "")
	fr := newFrame(p.nslots, nil, m)
	for i, a := range call.Arguments {
		fr.slots[i] = &object.Quote{Node: a}
	}
	res := p.code.eval(fr)
	q, ok := res.(*object.Quote)
	if !ok {
		fail(call.Token.Pos, "macro must return a quote, got %s", res.Type())
	}
	return q.Node
}
