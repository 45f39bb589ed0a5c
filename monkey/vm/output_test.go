package vm

import (
	"strings"
	"testing"

	"github.com/gee-project/gee/monkey/ast"
	"github.com/gee-project/gee/monkey/object"
	"github.com/gee-project/gee/monkey/parser"
)

// doubled is the program: an array that stands for 2^61 integers.
var doubled = `let x = [1, 1];` + strings.Repeat("let x = [x, x];", 60)

func TestPutsOfHugeSharedArrayStops(t *testing.T) {
	defer func(old int) { maxInspectLen = old }(maxInspectLen)
	maxInspectLen = 1000
	_, out := run(t, doubled+"puts(x); puts({1: x})", Options{})
	lines := strings.Split(out, "\n")
	if len(lines) != 3 {
		t.Fatalf("want two lines, got %d", len(lines)-1)
	}
	for _, l := range lines[:2] {
		if len(l) > maxInspectLen+10 || !strings.HasSuffix(l, "...") {
			t.Fatalf("line of %d bytes, ends %q", len(l), l[max(0, len(l)-10):])
		}
	}
	if !strings.HasPrefix(lines[1], "{1: [[[[") {
		t.Fatalf("hash line starts %q", lines[1][:10])
	}
}

// TestHugeSharedValueConverts returns that array to Go: the conversion keeps
// the sharing instead of expanding 2^61 elements.
func TestHugeSharedValueConverts(t *testing.T) {
	prog := parse(t, doubled+"x")
	res, err := Run(prog, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := res.(*object.Array)
	for d := 0; d < 60; d++ {
		if len(a.Elements) != 2 || a.Elements[0] != a.Elements[1] {
			t.Fatalf("level %d: not two shared halves", d)
		}
		a = a.Elements[0].(*object.Array)
	}
}

func parse(t *testing.T, src string) *ast.Program {
	t.Helper()
	prog, err := parser.Parse(src)
	if err != nil {
		t.Fatalf("parse %q: %v", src, err)
	}
	return prog
}
