// Package docs holds no code, only tests that keep the documentation true:
// every Go snippet of README.md is compiled and run as part of an Example
// function or an examples/ program, and the import diagram of
// ARCHITECTURE.md matches go list.
package docs

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

const (
	repoRoot   = ".."
	modulePath = "github.com/gee-project/gee"
)

// TestReadmeSnippetsAreTested fails for each ```go block of README.md that
// is not, after removing its indentation and blank lines, a run of lines in
// an Example function (*_test.go) or a program under examples/.
//
// GEE_README names another file to check instead, such as a draft.
func TestReadmeSnippetsAreTested(t *testing.T) {
	readme := filepath.Join(repoRoot, "README.md")
	if p := os.Getenv("GEE_README"); p != "" {
		readme = p
	}
	md, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	srcs, err := loadSources(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	blocks := fencedBlocks(string(md), "go")
	if len(blocks) == 0 {
		t.Fatal("README.md has no ```go block; this test would prove nothing")
	}
	for _, b := range blocks {
		snippet := normalize(b.Lines)
		if len(snippet) == 0 {
			continue
		}
		if m := findSnippet(snippet, srcs); m.N < len(snippet) {
			t.Errorf("%s:%d: the go block is not in a tested Example function or examples/ program; %s",
				filepath.Base(readme), b.Start, m.describe(snippet))
		}
	}
}

// TestImportDiagram compares the ```imports block of ARCHITECTURE.md with
// the module's real imports (go list), naming every missing or extra arrow.
func TestImportDiagram(t *testing.T) {
	md, err := os.ReadFile("ARCHITECTURE.md")
	if err != nil {
		t.Fatal(err)
	}
	pkgs := modulePackages(t)
	edges, named, err := parseImportDiagram(string(md))
	if errors.Is(err, errNoDiagram) {
		checkProposal(t, pkgs)
		t.Skipf("docs/ARCHITECTURE.md has no machine-checkable diagram yet (a ```%s block, format in importdiagram_test.go); "+
			"one that matches go list today:\n%s", diagramFence, proposeDiagram(pkgs))
	}
	if err != nil {
		t.Fatalf("docs/ARCHITECTURE.md: %v", err)
	}
	missing, extra, unknown := diffDiagram(edges, named, pkgs)
	for _, u := range unknown {
		t.Errorf("docs/ARCHITECTURE.md %s: no such package in the module", u)
	}
	for _, e := range missing {
		t.Errorf("docs/ARCHITECTURE.md: missing arrow: %s imports %s, which the diagram does not reach", e.From, e.To)
	}
	for _, e := range extra {
		t.Errorf("docs/ARCHITECTURE.md line %d: extra arrow %s: %s is not among go list -deps %s", e.Line, e, e.To, e.From)
	}
	if t.Failed() {
		t.Logf("a diagram that matches go list today:\n%s", proposeDiagram(pkgs))
	}
}

// checkProposal makes sure the diagram offered in messages is itself right.
func checkProposal(t *testing.T, pkgs map[string]pkgInfo) {
	t.Helper()
	edges, named, err := parseImportDiagram(proposeDiagram(pkgs))
	if err != nil {
		t.Fatalf("the proposed diagram does not parse: %v", err)
	}
	if m, x, u := diffDiagram(edges, named, pkgs); len(m)+len(x)+len(u) != 0 {
		t.Fatalf("the proposed diagram differs from go list: missing %v, extra %v, unknown %v", m, x, u)
	}
}

// listPackages runs go list on the module and keeps, for each package, its
// imports and dependencies inside the module (test files excluded).
func listPackages(root string) (map[string]pkgInfo, error) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		return nil, fmt.Errorf("the go command is needed to list imports: %w", err)
	}
	cmd := exec.Command(gobin, "list", "-f",
		"{{.ImportPath}}\t{{join .Imports \" \"}}\t{{join .Deps \" \"}}", "./...")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %v: %s", err, stderr.String())
	}
	pkgs := map[string]pkgInfo{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			return nil, fmt.Errorf("go list: unexpected line %q", line)
		}
		pkgs[relPkg(f[0])] = pkgInfo{Imports: inModule(f[1]), Deps: inModule(f[2])}
	}
	return pkgs, nil
}

// relPkg turns an import path of the module into a module-relative one.
func relPkg(p string) string { return strings.TrimPrefix(p, modulePath+"/") }

func inModule(list string) map[string]bool {
	m := map[string]bool{}
	for _, p := range strings.Fields(list) {
		if strings.HasPrefix(p, modulePath+"/") {
			m[relPkg(p)] = true
		}
	}
	return m
}

// proposeDiagram writes the transitive reduction of the real imports in the
// diagram format, one line per importing package, grouped by top directory.
func proposeDiagram(pkgs map[string]pkgInfo) string {
	var b strings.Builder
	b.WriteString("```" + diagramFence + "\n")
	last := ""
	for _, p := range sortedKeys(pkgs) {
		var direct []string
		for _, q := range sortedSet(pkgs[p].Imports) {
			if !impliedByOther(pkgs, p, q) {
				direct = append(direct, q)
			}
		}
		if len(direct) == 0 {
			continue
		}
		if top := strings.SplitN(p, "/", 2)[0]; top != last {
			if last != "" {
				b.WriteString("\n")
			}
			last = top
		}
		fmt.Fprintf(&b, "%s ──► %s\n", p, compactList(direct))
	}
	b.WriteString("```\n")
	return b.String()
}

// impliedByOther reports whether p reaches q through another of its imports.
func impliedByOther(pkgs map[string]pkgInfo, p, q string) bool {
	for r := range pkgs[p].Imports {
		if r != q && pkgs[r].Deps[q] {
			return true
		}
	}
	return false
}

// compactList writes paths sharing one parent directory as parent/{a, b}.
func compactList(paths []string) string {
	if len(paths) > 1 {
		dir := path.Dir(paths[0])
		same := dir != "."
		for _, p := range paths {
			same = same && path.Dir(p) == dir
		}
		if same {
			var names []string
			for _, p := range paths {
				names = append(names, path.Base(p))
			}
			return dir + "/{" + strings.Join(names, ", ") + "}"
		}
	}
	return strings.Join(paths, ", ")
}

func TestProposedDiagramParsesAndMatches(t *testing.T) {
	set := func(s ...string) map[string]bool {
		m := map[string]bool{}
		for _, x := range s {
			m[x] = true
		}
		return m
	}
	pkgs := map[string]pkgInfo{
		"cmd/x":  {Imports: set("c", "c/a", "c/b"), Deps: set("c", "c/a", "c/b")},
		"c":      {Imports: set("c/a", "c/b"), Deps: set("c/a", "c/b")},
		"c/a":    {Imports: set(), Deps: set()},
		"c/b":    {Imports: set(), Deps: set()},
		"other":  {Imports: set("c/a"), Deps: set("c/a")},
		"lonely": {Imports: set(), Deps: set()},
	}
	md := proposeDiagram(pkgs)
	want := "```imports\nc ──► c/{a, b}\n\ncmd/x ──► c\n\nother ──► c/a\n```\n"
	if md != want {
		t.Errorf("proposal:\n%s\nwant:\n%s", md, want)
	}
	edges, named, err := parseImportDiagram(md)
	if err != nil {
		t.Fatal(err)
	}
	if m, x, u := diffDiagram(edges, named, pkgs); len(m)+len(x)+len(u) != 0 {
		t.Errorf("the proposal differs from its own input: %v %v %v", m, x, u)
	}
}
