package docs

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// source is Go code a README snippet may be taken from: the body of an
// Example function, or a whole program under examples/.
type source struct {
	Name  string // FILE:LINE (Example name) for messages
	Lines []codeLine
}

// codeLine is one non-blank line, right-trimmed, with its file line number.
type codeLine struct {
	Text string
	Line int
}

// normalize drops blank lines, trims trailing space and removes the
// indentation common to all lines.
func normalize(lines []string) []string {
	var out []string
	for _, l := range lines {
		if l = strings.TrimRight(l, " \t\r"); l != "" {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		return nil
	}
	common := leadingSpace(out[0])
	for _, l := range out[1:] {
		for !strings.HasPrefix(l, common) {
			common = common[:len(common)-1]
		}
	}
	for i, l := range out {
		out[i] = l[len(common):]
	}
	return out
}

func leadingSpace(s string) string { return s[:len(s)-len(strings.TrimLeft(s, " \t"))] }

// matchAt reports how many leading lines of snippet match src from line i,
// both compared after one indentation prefix (whatever src has in front of
// the snippet's first line) is removed from every src line.
func matchAt(snippet []string, src []codeLine, i int) int {
	first := src[i].Text
	if !strings.HasSuffix(first, snippet[0]) {
		return 0
	}
	prefix := first[:len(first)-len(snippet[0])]
	if strings.TrimLeft(prefix, " \t") != "" {
		return 0
	}
	n := 0
	for n < len(snippet) && i+n < len(src) && src[i+n].Text == prefix+snippet[n] {
		n++
	}
	return n
}

// bestMatch is where a snippet matches most of its leading lines.
type bestMatch struct {
	Src   *source
	Index int // into Src.Lines
	N     int // lines matched
}

// findSnippet returns the best match of snippet among srcs; N equals
// len(snippet) when it appears whole.
func findSnippet(snippet []string, srcs []source) bestMatch {
	var best bestMatch
	for s := range srcs {
		for i := range srcs[s].Lines {
			if n := matchAt(snippet, srcs[s].Lines, i); n > best.N {
				best = bestMatch{Src: &srcs[s], Index: i, N: n}
				if n == len(snippet) {
					return best
				}
			}
		}
	}
	return best
}

// describe explains a partial match for a failure message.
func (m bestMatch) describe(snippet []string) string {
	if m.N == 0 {
		return fmt.Sprintf("its first line %q appears in no Example function or examples/ program", snippet[0])
	}
	next := "the snippet continues past the end of the source"
	if m.Index+m.N < len(m.Src.Lines) {
		l := m.Src.Lines[m.Index+m.N]
		next = fmt.Sprintf("line %d there is %q", l.Line, strings.TrimSpace(l.Text))
	}
	return fmt.Sprintf("closest: %s matches its first %d of %d lines; then the snippet has %q but %s",
		m.Src.Name, m.N, len(snippet), snippet[m.N], next)
}

// loadSources reads every Example function in the module's *_test.go files
// and every Go file under examples/.
func loadSources(root string) ([]source, error) {
	var srcs []source
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "bin") {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		switch {
		case strings.HasPrefix(rel, "examples/") && strings.HasSuffix(rel, ".go"):
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			srcs = append(srcs, source{Name: rel, Lines: codeLines(string(src), 1)})
		case strings.HasSuffix(rel, "_test.go"):
			ex, err := exampleBodies(path, rel)
			if err != nil {
				return err
			}
			srcs = append(srcs, ex...)
		}
		return nil
	})
	return srcs, err
}

// exampleBodies returns the bodies of the Example functions in one file.
func exampleBodies(path, rel string) ([]source, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	var out []source
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv != nil || fn.Body == nil || !strings.HasPrefix(fn.Name.Name, "Example") {
			continue
		}
		start, end := fset.Position(fn.Body.Lbrace), fset.Position(fn.Body.Rbrace)
		out = append(out, source{
			Name:  fmt.Sprintf("%s:%d (%s)", rel, start.Line, fn.Name.Name),
			Lines: codeLines(string(src[start.Offset+1:end.Offset]), start.Line),
		})
	}
	return out, nil
}

// codeLines splits text starting at file line first into non-blank,
// right-trimmed lines.
func codeLines(text string, first int) []codeLine {
	var out []codeLine
	for i, l := range strings.Split(text, "\n") {
		if l = strings.TrimRight(l, " \t\r"); l != "" {
			out = append(out, codeLine{Text: l, Line: first + i})
		}
	}
	return out
}

func TestNormalize(t *testing.T) {
	got := normalize([]string{"", "\t\tif x {  ", "", "\t\t\ty()", "\t\t}", ""})
	if strings.Join(got, "|") != "if x {|\ty()|}" {
		t.Errorf("got %q", got)
	}
}

func TestFindSnippet(t *testing.T) {
	srcs := []source{{Name: "a.go", Lines: codeLines("func f() {\n\tx := 1\n\n\tif x > 0 {\n\t\ty(x)\n\t}\n}", 1)}}
	whole := normalize([]string{"  if x > 0 {", "", "  \ty(x)", "  }"})
	if m := findSnippet(whole, srcs); m.N != 3 || m.Src.Lines[m.Index].Line != 4 {
		t.Errorf("indented snippet: %+v", m)
	}
	drifted := []string{"x := 1", "if x > 1 {"}
	m := findSnippet(drifted, srcs)
	if m.N != 1 || !strings.Contains(m.describe(drifted), `a.go matches its first 1 of 2 lines; then the snippet has "if x > 1 {" but line 4 there is "if x > 0 {"`) {
		t.Errorf("drifted snippet: %+v: %s", m, m.describe(drifted))
	}
	// A match must keep the snippet's relative indentation.
	if m := findSnippet([]string{"x := 1", "\tif x > 0 {"}, srcs); m.N != 1 {
		t.Errorf("re-indented snippet matched %d lines", m.N)
	}
	if m := findSnippet([]string{"nowhere()"}, srcs); m.N != 0 || !strings.Contains(m.describe([]string{"nowhere()"}), "appears in no Example") {
		t.Errorf("absent snippet: %+v", m)
	}
}
