package docs

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var (
	backtickedTest = regexp.MustCompile("`(Test\\w+)`")
	backtickedPkg  = regexp.MustCompile("`(kv/[\\w/]+)`")
)

// TestKVChecklistTableNamesRealTests keeps the 3A–3C and 4A–4C tables of kv-tests.md true: every
// row names at least one test, and each test it names is a func in a _test.go file of
// one of the packages the row gives.
func TestKVChecklistTableNamesRealTests(t *testing.T) {
	checkChecklistSection(t, "3A–3C", "3", 35)
	checkChecklistSection(t, "4A–4C", "4", 21)
}

// checkChecklistSection checks the table under "## The behaviours checklist, <parts>":
// rows whose first cell contains part name real tests, and there are at least minRows.
func checkChecklistSection(t *testing.T, parts, part string, minRows int) {
	t.Helper()
	data, err := os.ReadFile("kv-tests.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	start := strings.Index(doc, "## The behaviours checklist, "+parts)
	if start < 0 {
		t.Fatalf("kv-tests.md has no %s checklist section", parts)
	}
	section := doc[start+3:]
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	rows := 0
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) != 5 || !strings.Contains(cells[1], part) || strings.HasPrefix(strings.TrimSpace(cells[1]), "---") {
			continue
		}
		rows++
		tests := backtickedTest.FindAllStringSubmatch(cells[2], -1)
		pkgs := backtickedPkg.FindAllStringSubmatch(cells[3], -1)
		if len(tests) == 0 || len(pkgs) == 0 {
			t.Errorf("row %q names no test or no package", strings.TrimSpace(cells[1]))
			continue
		}
		for _, m := range tests {
			if !testDefinedIn(t, m[1], pkgs) {
				t.Errorf("row %q: %s is not a test of %s", strings.TrimSpace(cells[1]), m[1], strings.TrimSpace(cells[3]))
			}
		}
	}
	if rows < minRows {
		t.Fatalf("%d checklist rows, want every %s line (at least %d)", rows, parts, minRows)
	}
}

func testDefinedIn(t *testing.T, name string, pkgs [][]string) bool {
	t.Helper()
	for _, p := range pkgs {
		files, err := filepath.Glob(filepath.Join(repoRoot, p[1], "*_test.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(src), "\nfunc "+name+"(t *testing.T)") {
				return true
			}
		}
	}
	return false
}
