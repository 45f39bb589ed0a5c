package main

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// Baseline is the implementation every ratio is taken against.
const Baseline = "gee"

// Result is one benchmark line: its case, implementation and metrics by unit.
type Result struct {
	Case    string
	Impl    string
	Metrics map[string]float64
	Units   []string // in the order go test printed them
}

// parseLine parses "BenchmarkX/case/impl-2  1000  123 ns/op  0 B/op ...".
func parseLine(line string) (Result, bool) {
	f := strings.Fields(line)
	if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
		return Result{}, false
	}
	if _, err := strconv.Atoi(f[1]); err != nil {
		return Result{}, false
	}
	name := stripProcs(strings.TrimPrefix(f[0], "Benchmark"))
	i := strings.LastIndex(name, "/")
	if i < 0 {
		return Result{}, false
	}
	r := Result{Case: name[:i], Impl: name[i+1:], Metrics: map[string]float64{}}
	for j := 2; j+1 < len(f); j += 2 {
		v, err := strconv.ParseFloat(f[j], 64)
		if err != nil {
			break
		}
		r.Metrics[f[j+1]] = v
		r.Units = append(r.Units, f[j+1])
	}
	return r, len(r.Units) > 0
}

// stripProcs removes go test's "-N" GOMAXPROCS suffix.
func stripProcs(name string) string {
	i := strings.LastIndex(name, "-")
	if i < 0 {
		return name
	}
	if _, err := strconv.Atoi(name[i+1:]); err != nil {
		return name
	}
	return name[:i]
}

// median merges repeated runs (-count > 1) of the same case and impl.
func median(rs []Result) []Result {
	type key struct{ c, i string }
	var order []key
	groups := map[key][]Result{}
	for _, r := range rs {
		k := key{r.Case, r.Impl}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], r)
	}
	out := make([]Result, 0, len(order))
	for _, k := range order {
		g := groups[k]
		m := Result{Case: k.c, Impl: k.i, Metrics: map[string]float64{}, Units: g[0].Units}
		for _, u := range m.Units {
			var vs []float64
			for _, r := range g {
				if v, ok := r.Metrics[u]; ok {
					vs = append(vs, v)
				}
			}
			sort.Float64s(vs)
			m.Metrics[u] = vs[len(vs)/2]
		}
		out = append(out, m)
	}
	return out
}

// printTable prints one block per case with each implementation's ns/op
// (or first metric), allocs/op and its ratio to the baseline.
func printTable(w io.Writer, rs []Result) {
	rs = median(rs)
	var cases []string
	byCase := map[string][]Result{}
	for _, r := range rs {
		if _, ok := byCase[r.Case]; !ok {
			cases = append(cases, r.Case)
		}
		byCase[r.Case] = append(byCase[r.Case], r)
	}
	fmt.Fprintln(w, "== comparison (ratio = gee / peer; below 1 means gee is faster) ==")
	for _, c := range cases {
		group := byCase[c]
		base, hasBase := find(group, Baseline)
		fmt.Fprintf(w, "%s\n", c)
		for _, r := range group {
			unit := r.Units[0]
			line := fmt.Sprintf("  %-14s %14.1f %-8s", r.Impl, r.Metrics[unit], unit)
			if a, ok := r.Metrics["allocs/op"]; ok {
				line += fmt.Sprintf(" %8.0f allocs/op", a)
			}
			for _, u := range r.Units {
				if u != unit && u != "B/op" && u != "allocs/op" {
					line += fmt.Sprintf(" %10.2f %s", r.Metrics[u], u)
				}
			}
			if hasBase && r.Impl != Baseline && r.Metrics[unit] > 0 {
				line += fmt.Sprintf("   gee/%s = %.2fx", r.Impl, base.Metrics[unit]/r.Metrics[unit])
			}
			fmt.Fprintln(w, line)
		}
	}
}

func find(rs []Result, impl string) (Result, bool) {
	for _, r := range rs {
		if r.Impl == impl {
			return r, true
		}
	}
	return Result{}, false
}
