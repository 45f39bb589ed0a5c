package monkey

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gee-project/gee/monkey/evaluator"
	"github.com/gee-project/gee/monkey/object"
	"github.com/gee-project/gee/monkey/parser"
)

var update = flag.Bool("update", false, "rewrite the corpus's golden .out files")

// corpusResult runs one corpus program on the evaluator and renders it in
// the golden format described in testdata/README.md.
func corpusResult(src string) string {
	var out bytes.Buffer
	prog, err := Prepare(src)
	var list parser.ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			fmt.Fprintf(&out, "parse error: %s\n", e)
		}
		return out.String()
	}
	if err != nil {
		return fmt.Sprintf("error: %s\n", err)
	}
	env := object.NewEnvironment()
	env.SetOutput(&out)
	switch res := evaluator.Eval(prog, env).(type) {
	case *object.Error:
		fmt.Fprintf(&out, "error: %s\n", res.Error())
	case nil:
		out.WriteString("=> null\n")
	default:
		fmt.Fprintf(&out, "=> %s\n", res.Inspect())
	}
	return out.String()
}

func TestCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/*.monkey")
	if err != nil || len(files) < 30 {
		t.Fatalf("corpus: %d files, %v", len(files), err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".monkey")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			got := corpusResult(string(src))
			golden := strings.TrimSuffix(file, ".monkey") + ".out"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("%s:\n--- got ---\n%s--- want ---\n%s", file, got, want)
			}
		})
	}
}
