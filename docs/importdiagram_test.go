package docs

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

// The import diagram format, read from the fenced block whose info string is
// "imports" in docs/ARCHITECTURE.md:
//
//	# a comment; text after '#' on any line is a comment too
//	cmd/geecache ──► cache/httppool, cache/metrics ──► cache
//	cache ──► cache/{eviction, singleflight, store}
//
// Each line is groups joined by arrows ("──►", "→" or "->"). A group is a
// comma-separated list of package paths relative to the module root; one
// {a, b} in a path expands to a path per element. Every package of a group
// imports every package of the next group. A line with a single group only
// names packages. The diagram need not list every edge: it must let each
// real import be reached along its arrows, and every arrow must be true of
// go list -deps (see diffDiagram).

// diagramFence is the info string of the fenced block holding the diagram.
const diagramFence = "imports"

// edge is one arrow of the diagram: From imports To.
type edge struct {
	From, To string
	Line     int // line in the Markdown file, 0 for real imports
}

func (e edge) String() string { return e.From + " ──► " + e.To }

// parseImportDiagram returns the arrows of every ```imports block in md and
// the packages named. Errors name the Markdown line.
func parseImportDiagram(md string) (edges []edge, named map[string]int, err error) {
	blocks := fencedBlocks(md, diagramFence)
	if len(blocks) == 0 {
		return nil, nil, errNoDiagram
	}
	named = map[string]int{}
	for _, b := range blocks {
		for i, line := range b.Lines {
			n := b.Start + 1 + i
			es, names, err := parseDiagramLine(line)
			if err != nil {
				return nil, nil, fmt.Errorf("line %d: %w", n, err)
			}
			for _, name := range names {
				if _, ok := named[name]; !ok {
					named[name] = n
				}
			}
			for _, e := range es {
				e.Line = n
				edges = append(edges, e)
			}
		}
	}
	return edges, named, nil
}

// errNoDiagram says the file holds no ```imports block.
var errNoDiagram = fmt.Errorf("no ```%s block", diagramFence)

var arrowReplacer = strings.NewReplacer("──►", "\x00", "→", "\x00", "->", "\x00")

func parseDiagramLine(line string) ([]edge, []string, error) {
	if i := strings.IndexByte(line, '#'); i >= 0 {
		line = line[:i]
	}
	if strings.TrimSpace(line) == "" {
		return nil, nil, nil
	}
	var groups [][]string
	var names []string
	for _, part := range strings.Split(arrowReplacer.Replace(line), "\x00") {
		g, err := parseGroup(part)
		if err != nil {
			return nil, nil, err
		}
		groups = append(groups, g)
		names = append(names, g...)
	}
	var edges []edge
	for i := 0; i+1 < len(groups); i++ {
		for _, from := range groups[i] {
			for _, to := range groups[i+1] {
				edges = append(edges, edge{From: from, To: to})
			}
		}
	}
	return edges, names, nil
}

// parseGroup reads "a, b/{c, d}" as [a b/c b/d].
func parseGroup(s string) ([]string, error) {
	var out []string
	for _, item := range splitOutsideBraces(s) {
		item = strings.TrimSpace(item)
		if item == "" {
			return nil, fmt.Errorf("empty package name in %q", strings.TrimSpace(s))
		}
		paths, err := expandBraces(item)
		if err != nil {
			return nil, err
		}
		out = append(out, paths...)
	}
	return out, nil
}

func splitOutsideBraces(s string) []string {
	var parts []string
	depth, start := 0, 0
	for i, r := range s {
		switch r {
		case '{':
			depth++
		case '}':
			depth--
		case ',':
			if depth == 0 {
				parts = append(parts, s[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, s[start:])
}

func expandBraces(item string) ([]string, error) {
	open, close := strings.IndexByte(item, '{'), strings.IndexByte(item, '}')
	if open < 0 && close < 0 {
		if err := validPath(item); err != nil {
			return nil, err
		}
		return []string{item}, nil
	}
	if open < 0 || close < open || strings.Count(item, "{") != 1 || strings.Count(item, "}") != 1 {
		return nil, fmt.Errorf("unbalanced or nested braces in %q", item)
	}
	var out []string
	for _, mid := range strings.Split(item[open+1:close], ",") {
		mid = strings.TrimSpace(mid)
		if mid == "" {
			return nil, fmt.Errorf("empty element in %q", item)
		}
		p := item[:open] + mid + item[close+1:]
		if err := validPath(p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// validPath rejects names that cannot be module-relative package paths, so
// prose ("the facade") is an error rather than an ignored node.
func validPath(p string) error {
	if strings.ContainsAny(p, " \t()…") || strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") || strings.Contains(p, "//") {
		return fmt.Errorf("%q is not a package path relative to the module root", p)
	}
	return nil
}

// pkgInfo is what go list says about one package of the module: its direct
// imports and all its dependencies, both restricted to the module.
type pkgInfo struct {
	Imports, Deps map[string]bool
}

// diffDiagram compares the diagram with the real imports. missing lists
// real direct imports the diagram's arrows do not reach; extra lists arrows
// whose target is not among go list -deps of their source; unknown lists
// diagram names that are no package of the module.
func diffDiagram(edges []edge, named map[string]int, pkgs map[string]pkgInfo) (missing, extra []edge, unknown []string) {
	for name, line := range named {
		if _, ok := pkgs[name]; !ok {
			unknown = append(unknown, fmt.Sprintf("line %d: %s", line, name))
		}
	}
	sort.Strings(unknown)
	adj := map[string][]string{}
	for _, e := range edges {
		adj[e.From] = append(adj[e.From], e.To)
		if _, ok := pkgs[e.From]; !ok {
			continue
		}
		if _, ok := pkgs[e.To]; ok && !pkgs[e.From].Deps[e.To] {
			extra = append(extra, e)
		}
	}
	for _, from := range sortedKeys(pkgs) {
		reach := reachable(adj, from)
		for _, to := range sortedSet(pkgs[from].Imports) {
			if !reach[to] {
				missing = append(missing, edge{From: from, To: to})
			}
		}
	}
	return missing, extra, unknown
}

// reachable is the set of nodes reachable from start along adj.
func reachable(adj map[string][]string, start string) map[string]bool {
	seen := map[string]bool{}
	stack := []string{start}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, m := range adj[n] {
			if !seen[m] {
				seen[m] = true
				stack = append(stack, m)
			}
		}
	}
	return seen
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func sortedSet(m map[string]bool) []string { return sortedKeys(m) }

func TestParseImportDiagram(t *testing.T) {
	md := "text\n```imports\n" +
		"# web\n" +
		"web/middleware ──► web ──► web/binding, web/internal/tree  # net/http\n" +
		"\n" +
		"cmd/x -> cache/{httppool, metrics} → cache\n" +
		"orm\n" +
		"```\n"
	edges, named, err := parseImportDiagram(md)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range edges {
		got = append(got, fmt.Sprintf("%d:%s", e.Line, e))
	}
	want := []string{
		"4:web/middleware ──► web", "4:web ──► web/binding", "4:web ──► web/internal/tree",
		"6:cmd/x ──► cache/httppool", "6:cmd/x ──► cache/metrics",
		"6:cache/httppool ──► cache", "6:cache/metrics ──► cache",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("edges:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if named["orm"] != 7 || named["web/binding"] != 4 || len(named) != 9 {
		t.Errorf("named %v", named)
	}
}

func TestParseImportDiagramErrors(t *testing.T) {
	tests := map[string]string{
		"a ──► ":              "line 3: empty package name",
		"a, , b ──► c":        "line 3: empty package name",
		"a/{b, c ──► d":       "line 3: unbalanced",
		"a/{b,{c}} ──► d":     "line 3: unbalanced",
		"a/{b, } ──► d":       "line 3: empty element",
		"monkey (facade) ► x": "line 3: \"monkey (facade) ► x\" is not a package path",
		"a ──► /b":            "line 3: \"/b\" is not a package path",
	}
	for line, want := range tests {
		_, _, err := parseImportDiagram("x\n```imports\n" + line + "\n```\n")
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%q: error %v, want prefix %q", line, err, want)
		}
	}
	if _, _, err := parseImportDiagram("```\na ──► b\n```\n"); err != errNoDiagram {
		t.Errorf("untagged block: %v, want errNoDiagram", err)
	}
}

func TestDiffDiagram(t *testing.T) {
	set := func(s ...string) map[string]bool {
		m := map[string]bool{}
		for _, x := range s {
			m[x] = true
		}
		return m
	}
	pkgs := map[string]pkgInfo{
		"cmd":  {Imports: set("a", "b"), Deps: set("a", "b", "c")},
		"a":    {Imports: set("c"), Deps: set("c")},
		"b":    {Imports: set(), Deps: set()},
		"c":    {Imports: set(), Deps: set()},
		"lone": {Imports: set(), Deps: set()},
	}
	edges, named, err := parseImportDiagram("```imports\ncmd ──► a ──► c\ncmd ──► c\nb ──► a\nghost ──► a\n```\n")
	if err != nil {
		t.Fatal(err)
	}
	missing, extra, unknown := diffDiagram(edges, named, pkgs)
	if fmt.Sprint(missing) != "[cmd ──► b]" {
		t.Errorf("missing %v", missing)
	}
	if fmt.Sprint(extra) != "[b ──► a]" || extra[0].Line != 4 {
		t.Errorf("extra %v", extra)
	}
	if fmt.Sprint(unknown) != "[line 5: ghost]" {
		t.Errorf("unknown %v", unknown)
	}
	edges, named, _ = parseImportDiagram("```imports\ncmd ──► a, b\na ──► c\n```\n")
	if m, x, u := diffDiagram(edges, named, pkgs); len(m)+len(x)+len(u) != 0 {
		t.Errorf("a correct diagram differs: %v %v %v", m, x, u)
	}
}
