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
