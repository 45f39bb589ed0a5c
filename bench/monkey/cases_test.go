// Package monkey compares the Monkey VM ("gee") with the Monkey evaluator
// and with other scripting engines on the same five programs, written in
// each language in the same way (scripts/). Run it with
//
//	go run ./cmd/compare -bench Monkey -pkgs ./monkey/...
package monkey

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// benchCase is one program: its scripts' name, its expected result, and how
// to shrink it for the quick correctness test.
type benchCase struct {
	name   string
	file   string
	want   int64
	shrink []string // old, new pairs applied to every script for TestScripts
	small  int64    // the result after shrinking
}

var cases = []benchCase{
	{"fib35", "fib", 9227465, []string{"35", "15"}, 610},
	{"sum10M", "sum", 50000005000000, []string{"10000000", "1000"}, 500500},
	{"array100k", "array", 10000100000, []string{"100000", "100"}, 10100},
	{"concat100k", "strings", 200000, []string{"100000", "100"}, 200},
	{"hash100k", "hash", 9999900000, []string{"100000", "100", "99999", "99"}, 9900},
}

// source returns the case's program in the language with extension ext.
// The Monkey hash program is generated: Monkey has no statement that adds
// to a hash, so the table is filled by evaluating one 100,000-pair literal.
func (c benchCase) source(ext string, shrink bool) (string, error) {
	if c.file == "hash" && ext == "monkey" {
		n := 100000
		if shrink {
			n = 100
		}
		return monkeyHash(n), nil
	}
	src, err := os.ReadFile(filepath.Join("scripts", c.file+"."+ext))
	if err != nil {
		return "", err
	}
	if shrink {
		return strings.NewReplacer(c.shrink...).Replace(string(src)), nil
	}
	return string(src), nil
}

func monkeyHash(n int) string {
	var b strings.Builder
	b.WriteString("let h = {")
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d: %d", i, 2*i)
	}
	fmt.Fprintf(&b, `};
let look = fn(lo, hi) {
  if (lo == hi) { h[lo] } else { let mid = (lo + hi) / 2; look(lo, mid) + look(mid + 1, hi) }
};
look(0, %d);
`, n-1)
	return b.String()
}
