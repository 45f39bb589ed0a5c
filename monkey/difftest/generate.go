package difftest

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Generate writes a random, syntactically valid program from seed. It
// favours what makes the engines' name resolution and control flow differ
// if they are wrong: shadowing, lets on one branch only, closures over
// variables bound later, nested returns, and every operator on every type.
func Generate(seed uint64) string {
	g := &gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	var b strings.Builder
	for i := 0; i < 3+g.r.IntN(5); i++ {
		b.WriteString(g.stmt(0, false))
		b.WriteString("\n")
	}
	return b.String()
}

type gen struct{ r *rand.Rand }

var names = []string{"a", "b", "f", "g", "x", "len", "first", "rest", "push", "puts"}

func (g *gen) pick(list []string) string { return list[g.r.IntN(len(list))] }

func (g *gen) stmt(depth int, inFn bool) string {
	switch g.r.IntN(6) {
	case 0, 1:
		return fmt.Sprintf("let %s = %s;", g.pick(names[:5]), g.expr(depth+1, inFn))
	case 2:
		if inFn || g.r.IntN(4) == 0 {
			return fmt.Sprintf("return %s;", g.expr(depth+1, inFn))
		}
	}
	return g.expr(depth+1, inFn) + ";"
}

func (g *gen) block(depth int, inFn bool) string {
	var parts []string
	for i := 0; i < 1+g.r.IntN(3); i++ {
		parts = append(parts, g.stmt(depth, inFn))
	}
	return "{ " + strings.Join(parts, " ") + " }"
}

func (g *gen) expr(depth int, inFn bool) string {
	if depth > 4 {
		return g.atom()
	}
	switch g.r.IntN(14) {
	case 0, 1:
		return g.atom()
	case 2:
		return g.pick([]string{"-", "!"}) + g.expr(depth+1, inFn)
	case 3, 4:
		op := g.pick([]string{"+", "-", "*", "/", "<", ">", "==", "!="})
		return "(" + g.expr(depth+1, inFn) + " " + op + " " + g.expr(depth+1, inFn) + ")"
	case 5:
		s := "if (" + g.expr(depth+1, inFn) + ") " + g.block(depth+1, inFn)
		if g.r.IntN(2) == 0 {
			s += " else " + g.block(depth+1, inFn)
		}
		return s
	case 6, 7:
		params := []string{}
		for i := 0; i < g.r.IntN(3); i++ {
			p := g.pick(names[:5])
			if !strings.Contains(strings.Join(params, ","), p) {
				params = append(params, p)
			}
		}
		return "fn(" + strings.Join(params, ", ") + ") " + g.block(depth+1, true)
	case 8, 9:
		args := []string{}
		for i := 0; i < g.r.IntN(3); i++ {
			args = append(args, g.expr(depth+1, inFn))
		}
		return g.callee(depth, inFn) + "(" + strings.Join(args, ", ") + ")"
	case 10:
		elems := []string{}
		for i := 0; i < g.r.IntN(4); i++ {
			elems = append(elems, g.expr(depth+1, inFn))
		}
		return "[" + strings.Join(elems, ", ") + "]"
	case 11:
		pairs := []string{}
		for i := 0; i < g.r.IntN(3); i++ {
			pairs = append(pairs, g.expr(depth+1, inFn)+": "+g.expr(depth+1, inFn))
		}
		return "{" + strings.Join(pairs, ", ") + "}"
	case 12:
		return g.expr(depth+1, inFn) + "[" + g.expr(depth+1, inFn) + "]"
	}
	return g.pick(names)
}

func (g *gen) callee(depth int, inFn bool) string {
	if g.r.IntN(3) == 0 {
		return "(" + g.expr(depth+1, inFn) + ")"
	}
	return g.pick(names)
}

func (g *gen) atom() string {
	switch g.r.IntN(6) {
	case 0:
		return fmt.Sprint(g.r.IntN(5))
	case 1:
		return g.pick([]string{`"s"`, `""`, `"ab"`})
	case 2:
		return g.pick([]string{"true", "false"})
	}
	return g.pick(names)
}
