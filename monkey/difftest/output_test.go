package difftest

import (
	"crypto/sha256"
	"fmt"
	"hash"
	"strings"
	"testing"

	"github.com/gee-project/gee/monkey"
	"github.com/gee-project/gee/monkey/evaluator"
	"github.com/gee-project/gee/monkey/object"
	"github.com/gee-project/gee/monkey/parser"
	"github.com/gee-project/gee/monkey/vm"
)

// countingHash digests what an engine prints without keeping it.
type countingHash struct {
	hash.Hash
	n int
}

func (c *countingHash) Write(p []byte) (int, error) {
	c.n += len(p)
	return c.Hash.Write(p)
}

// TestPutsBoundAgrees prints an array that stands for a 128 MiB text (2^11
// references to one 64 KiB string): both engines must stop at the same
// object.MaxInspectLen bound and print exactly the same bytes.
func TestPutsBoundAgrees(t *testing.T) {
	if raceEnabled {
		t.Skip("prints 2 × 64 MiB; run without -race (monkey/vm tests the bound at a lowered size under -race)")
	}
	src := `let s = "x";` + strings.Repeat("let s = s + s;", 16) +
		`let x = [s];` + strings.Repeat("let x = [x, x];", 11) + `puts(x); len(s)`
	prog, err := monkey.Prepare(src)
	if err != nil {
		t.Fatal(err)
	}
	ev := &countingHash{Hash: sha256.New()}
	env := object.NewEnvironment()
	env.SetOutput(ev)
	if res := evaluator.Eval(prog, env); res.Inspect() != "65536" {
		t.Fatalf("eval: %s", res.Inspect())
	}
	prog, _ = monkey.Prepare(src)
	got := &countingHash{Hash: sha256.New()}
	if _, err := vm.Run(prog, got); err != nil {
		t.Fatal(err)
	}
	if max := object.MaxInspectLen + 1<<16 + 100; ev.n > max {
		t.Fatalf("evaluator printed %d bytes, over its bound", ev.n)
	}
	evSum, vmSum := fmt.Sprintf("%x", ev.Sum(nil)), fmt.Sprintf("%x", got.Sum(nil))
	if got.n != ev.n || vmSum != evSum {
		t.Fatalf("vm printed %d bytes (%s), evaluator %d (%s)", got.n, vmSum, ev.n, evSum)
	}
}

// TestSourceTextRules runs the documented source-text rules on both engines.
func TestSourceTextRules(t *testing.T) {
	deep := func(open, close string, n int) string {
		return strings.Repeat(open, n) + "1" + strings.Repeat(close, n)
	}
	for _, tt := range []struct{ src, want string }{
		// invalid UTF-8 inside a string is kept byte for byte; len counts bytes
		{"let s = \"a\xff\xfe\"; puts(s); len(s)", "a\xff\xfe\n=> 3\n"},
		{"len(\"é\")", "=> 2\n"},
		// a byte order mark at the start is skipped
		{"\uFEFFlet x = 2; x * 3", "=> 6\n"},
		// programs nested up to the parser's limit run on both engines
		{deep("(", ")", parser.MaxNesting-10), "=> 1\n"},
		{"len(" + deep("[", "]", parser.MaxNesting/2-10) + ")", "=> 1\n"},
		{deep("fn() { ", " }()", parser.MaxNesting/3-10), "=> 1\n"},
	} {
		for name, engine := range map[string]Engine{"eval": Eval, "vm": VM} {
			if got, _ := Run(tt.src, engine); got != tt.want {
				t.Errorf("%s on %.40q: got %q, want %q", name, tt.src, got, tt.want)
			}
		}
	}
	for _, src := range []string{`"a\qb"`, deep("(", ")", parser.MaxNesting+1)} {
		if _, err := monkey.Prepare(src); err == nil {
			t.Errorf("%.40q prepared without error", src)
		}
	}
}
