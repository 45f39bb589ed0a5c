package docs

import (
	"strings"
	"sync"
	"testing"
)

// systems are the top-level directories that must not import each other
// (docs/ARCHITECTURE.md, "Import rules").
var systems = map[string]bool{"web": true, "cache": true, "orm": true, "rpc": true, "kv": true, "monkey": true}

var listOnce struct {
	sync.Once
	pkgs map[string]pkgInfo
	err  error
}

// modulePackages lists the module's packages once per test binary.
func modulePackages(t *testing.T) map[string]pkgInfo {
	t.Helper()
	listOnce.Do(func() { listOnce.pkgs, listOnce.err = listPackages(repoRoot) })
	if listOnce.err != nil {
		t.Fatal(listOnce.err)
	}
	return listOnce.pkgs
}

// importRuleViolations names imports that break the rules: a system
// importing another one, or anything importing cmd/ or examples/.
func importRuleViolations(pkgs map[string]pkgInfo) []string {
	var bad []string
	for _, p := range sortedKeys(pkgs) {
		from := topDir(p)
		for _, q := range sortedSet(pkgs[p].Imports) {
			to := topDir(q)
			switch {
			case to == "cmd" || to == "examples":
				bad = append(bad, p+" imports "+q+": nothing may import cmd/ or examples/")
			case systems[from] && systems[to] && from != to:
				bad = append(bad, p+" imports "+q+": systems do not import each other")
			}
		}
	}
	return bad
}

func topDir(p string) string { return strings.SplitN(p, "/", 2)[0] }

func TestImportRules(t *testing.T) {
	for _, v := range importRuleViolations(modulePackages(t)) {
		t.Error(v)
	}
}

func TestImportRuleViolations(t *testing.T) {
	set := func(s ...string) map[string]bool {
		m := map[string]bool{}
		for _, x := range s {
			m[x] = true
		}
		return m
	}
	pkgs := map[string]pkgInfo{
		"cmd/x":       {Imports: set("cache", "rpc")},
		"cache":       {Imports: set("cache/store", "rpc/codec")},
		"kv/server":   {Imports: set("examples/kv")},
		"cache/store": {},
	}
	got := strings.Join(importRuleViolations(pkgs), "\n")
	want := "cache imports rpc/codec: systems do not import each other\n" +
		"kv/server imports examples/kv: nothing may import cmd/ or examples/"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}
