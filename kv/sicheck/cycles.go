package sicheck

import (
	"fmt"
	"sort"
)

// edge is one dependency between known-committed transactions.
type edge struct {
	to   *Txn
	key  string
	read bool // a write-read edge; otherwise write-write
}

// dependencies builds the write-write edges (each version to the next, by commit_ts) and the
// write-read edges (writer to reader) among known-committed transactions.
func (ix *index) dependencies() map[*Txn][]edge {
	g := make(map[*Txn][]edge)
	for key, vs := range ix.versions {
		for i := 1; i < len(vs); i++ {
			g[vs[i-1].txn] = append(g[vs[i-1].txn], edge{to: vs[i].txn, key: key})
		}
	}
	for _, t := range ix.txns {
		if !ix.known[t] {
			continue
		}
		for _, r := range t.Reads {
			if w, ok := ix.readFrom(t, r); ok && ix.known[w.txn] {
				g[w.txn] = append(g[w.txn], edge{to: t, key: r.Key, read: true})
			}
		}
	}
	return g
}

// checkCycles reports G1c: every strongly connected group of two or more transactions in the
// dependency graph. Commit-ordered write-write edges alone cannot form a cycle, so each one
// goes through a read.
func (ix *index) checkCycles() []Anomaly {
	g := ix.dependencies()
	var out []Anomaly
	for _, comp := range components(ix.txns, g) {
		if len(comp) < 2 {
			continue
		}
		in := make(map[*Txn]bool, len(comp))
		for _, t := range comp {
			in[t] = true
		}
		ids := make([]int, 0, len(comp))
		keySet := make(map[string]bool)
		for _, t := range comp {
			ids = append(ids, t.ID)
			for _, e := range g[t] {
				if in[e.to] {
					keySet[e.key] = true
				}
			}
		}
		sort.Ints(ids)
		keys := sortedKeys(keySet)
		out = append(out, Anomaly{G1c, ids, keys, fmt.Sprintf("txns %v depend on each other through keys %q", ids, keys)})
	}
	return out
}

// components returns the strongly connected components of g (Tarjan's algorithm, iterative
// so a long dependency chain cannot exhaust the stack).
func components(nodes []*Txn, g map[*Txn][]edge) [][]*Txn {
	index := make(map[*Txn]int)
	low := make(map[*Txn]int)
	onStack := make(map[*Txn]bool)
	var stack []*Txn
	var out [][]*Txn
	type frame struct {
		t    *Txn
		next int
	}
	for _, root := range nodes {
		if _, seen := index[root]; seen {
			continue
		}
		work := []frame{{t: root}}
		index[root], low[root] = len(index), len(index)
		stack, onStack[root] = append(stack, root), true
		for len(work) > 0 {
			f := &work[len(work)-1]
			if f.next < len(g[f.t]) {
				to := g[f.t][f.next].to
				f.next++
				if _, seen := index[to]; !seen {
					index[to], low[to] = len(index), len(index)
					stack, onStack[to] = append(stack, to), true
					work = append(work, frame{t: to})
				} else if onStack[to] {
					low[f.t] = min(low[f.t], index[to])
				}
				continue
			}
			t := f.t
			work = work[:len(work)-1]
			if len(work) > 0 {
				parent := work[len(work)-1].t
				low[parent] = min(low[parent], low[t])
			}
			if low[t] != index[t] {
				continue
			}
			var comp []*Txn
			for {
				top := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[top] = false
				comp = append(comp, top)
				if top == t {
					break
				}
			}
			out = append(out, comp)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
