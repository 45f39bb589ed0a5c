package compiler

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gee-project/gee/monkey/code"
	"github.com/gee-project/gee/monkey/parser"
)

func compile(t *testing.T, src string) *Bytecode {
	t.Helper()
	prog, err := parser.Parse(src)
	if err != nil {
		t.Fatalf("parse %q: %v", src, err)
	}
	bc, err := Compile(prog)
	if err != nil {
		t.Fatalf("compile %q: %v", src, err)
	}
	return bc
}

func concat(ins ...[]byte) code.Instructions {
	var out code.Instructions
	for _, i := range ins {
		out = append(out, i...)
	}
	return out
}

func fnConst(t *testing.T, bc *Bytecode, name string) *Function {
	t.Helper()
	for _, k := range bc.Constants {
		if fn, ok := k.(*Function); ok && fn.Name == name {
			return fn
		}
	}
	t.Fatalf("no function %q in %v", name, bc.Constants)
	return nil
}

func expect(t *testing.T, what string, got, want code.Instructions) {
	t.Helper()
	if string(got) != string(want) {
		t.Errorf("%s:\n got\n%s want\n%s", what, got, want)
	}
}

func TestConstantFoldingAndImmediates(t *testing.T) {
	bc := compile(t, `1 + 2 * 3; let x = 4; x - 1; x + 9999999999`)
	expect(t, "main", bc.Main.Instructions, concat(
		code.Make(code.OpLoadInt, 0, 7),
		code.Make(code.OpLoadInt, 0, 4),
		code.Make(code.OpSetGlobal, 0, 0),
		code.Make(code.OpGetGlobal, 1, 0),
		code.Make(code.OpSubI, 0, 1, 1),
		code.Make(code.OpGetGlobal, 0, 0),
		code.Make(code.OpLoadK, 1, 0),
		code.Make(code.OpReturnAdd, 0, 1),
	))
	if len(bc.Constants) != 1 || bc.Constants[0] != int64(9999999999) {
		t.Errorf("constants = %v", bc.Constants)
	}
}

func TestFibCompilesToCompareJumpsAndDirectCalls(t *testing.T) {
	bc := compile(t, `let fib = fn(x) { if (x < 2) { return x; } fib(x - 1) + fib(x - 2) };`)
	fib := fnConst(t, bc, "fib")
	expect(t, "fib", fib.Instructions, concat(
		code.Make(code.OpJumpNotLtI, 0, 2, 18),
		code.Make(code.OpReturn, 0),
		code.Make(code.OpSubI, 1, 0, 1), // 18
		code.Make(code.OpCallGlobal, 1, 0, 1),
		code.Make(code.OpSubI, 2, 0, 2),
		code.Make(code.OpCallGlobal, 2, 0, 1),
		code.Make(code.OpReturnAdd, 1, 2),
	))
	if fib.NumParams != 1 || fib.NumRegs != 3 {
		t.Errorf("params=%d regs=%d", fib.NumParams, fib.NumRegs)
	}
}

func TestLocalRecursionUsesCallSelf(t *testing.T) {
	bc := compile(t, `fn() { let f = fn(n) { f(n) }; f(1) }`)
	f := fnConst(t, bc, "f")
	expect(t, "f", f.Instructions, concat(
		code.Make(code.OpMove, 1, 0),
		code.Make(code.OpCallSelf, 1, 1),
		code.Make(code.OpReturn, 1),
	))
	if f.NumFree != 0 {
		t.Errorf("self-recursive function captures %d variables", f.NumFree)
	}
}

func TestClosuresCaptureThroughLevels(t *testing.T) {
	bc := compile(t, `fn(a) { fn(b) { fn(c) { a + b + c } } }`)
	var inner *Function
	for _, k := range bc.Constants {
		if fn, ok := k.(*Function); ok && fn.NumFree == 2 && fn.NumParams == 1 && strings.Contains(fn.Instructions.String(), "ReturnAdd") {
			inner = fn
		}
	}
	if inner == nil {
		t.Fatalf("no innermost closure with 2 free variables:\n%s", bc)
	}
	expect(t, "innermost", inner.Instructions, concat(
		code.Make(code.OpGetFree, 2, 0),
		code.Make(code.OpGetFree, 3, 1),
		code.Make(code.OpAdd, 1, 2, 3),
		code.Make(code.OpReturnAdd, 1, 0),
	))
}

func TestVariablesReadBeforeTheirLetUseCells(t *testing.T) {
	bc := compile(t, `fn() { let g = fn() { y }; let y = 5; g() }`)
	out := bc.String()
	for _, want := range []string{"NewCell r1", "SetCell r1", "GetCell", "JumpDefined", "Undefined"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
}

func TestUnknownNamesFailAtRunTime(t *testing.T) {
	bc := compile(t, `if (false) { x }`)
	if !strings.Contains(bc.Main.Instructions.String(), "Undefined k0") || bc.Constants[0] != "x" {
		t.Errorf("got\n%s", bc)
	}
	if len(bc.Main.Positions) == 0 || bc.Main.Positions[0].Pos.Col != 14 {
		t.Errorf("positions %v", bc.Main.Positions)
	}
}

func TestDisassemblyListsFunctionsConstantsGlobals(t *testing.T) {
	out := compile(t, `let add = fn(a, b) { a + b }; add(1, "s")`).String()
	for _, want := range []string{
		"== main (registers=", "== k0 fn add (params=2 registers=2 free=0) ==",
		"0000 ReturnAdd r0 r1", "k1 \"s\"", "g0 add",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
}

func TestUnneededClearsBecomeNops(t *testing.T) {
	bc := compile(t, `fn(c) { if (c) { let m = 1; m } else { 2 } }`)
	out := bc.String()
	if !strings.Contains(out, "Nop 0") || strings.Contains(out, "LoadUndef") {
		t.Errorf("a local read only where bound should not be cleared:\n%s", out)
	}
	bc = compile(t, `fn(c) { if (c) { let m = 1; } m }`)
	if !strings.Contains(bc.String(), "LoadUndef r1") {
		t.Errorf("a local read where it may be unbound must be cleared:\n%s", bc)
	}
}

func TestRegisterLimitHasPosition(t *testing.T) {
	defer func(old int) { maxRegs = old }(maxRegs)
	maxRegs = 50
	var lets strings.Builder
	for i := range 60 {
		fmt.Fprintf(&lets, "let v%d = %d; ", i, i)
	}
	for src, want := range map[string]string{
		"let f = fn() { " + lets.String() + "v0 };":                 "1:9: function needs more than 50 registers",
		"let x = 1;\nfn() { [" + strings.Repeat("x, ", 60) + "x] }": "2:156: function needs more than 50 registers",
	} {
		prog, err := parser.Parse(src)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Compile(prog); err == nil || err.Error() != want {
			t.Errorf("got %v, want %s", err, want)
		}
	}
}
