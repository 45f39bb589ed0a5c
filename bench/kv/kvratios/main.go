// Command kvratios reads `go test -bench KV` output of package bench/kv and
// prints, per workload and per run, TinyKV's throughput as a ratio to
// etcd's with both sides' p50/p99 latency and server CPU, then the range of
// the ratio over the runs. Run i of "gee" is paired with run i of "etcd"
// (go test -count N prints each case's N runs in order).
//
//	go test -run '^$' -bench KV -benchtime 5s -count 3 ./kv | tee out.txt
//	go run ./kv/kvratios < out.txt
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

func main() {
	runs, order, err := parse(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "kvratios:", err)
		os.Exit(1)
	}
	if len(order) == 0 {
		fmt.Fprintln(os.Stderr, "kvratios: no BenchmarkKV/<workload>/<impl> lines on stdin")
		os.Exit(1)
	}
	printRatios(os.Stdout, runs, order)
}

// metrics is one benchmark line's values by unit.
type metrics map[string]float64

// parse collects the runs of each workload and implementation, and the
// workloads in the order first seen.
func parse(r io.Reader) (map[string]map[string][]metrics, []string, error) {
	runs := map[string]map[string][]metrics{}
	var order []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "BenchmarkKV/") {
			continue
		}
		parts := strings.Split(f[0], "/")
		if len(parts) != 3 {
			continue
		}
		w, impl := parts[1], parts[2]
		if i := strings.LastIndexByte(impl, '-'); i > 0 {
			impl = impl[:i] // GOMAXPROCS suffix
		}
		m := metrics{}
		for j := 2; j+1 < len(f); j += 2 {
			v, err := strconv.ParseFloat(f[j], 64)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: value %q: %v", f[0], f[j], err)
			}
			m[f[j+1]] = v
		}
		if runs[w] == nil {
			runs[w] = map[string][]metrics{}
			order = append(order, w)
		}
		runs[w][impl] = append(runs[w][impl], m)
	}
	return runs, order, sc.Err()
}

func printRatios(w io.Writer, runs map[string]map[string][]metrics, order []string) {
	for _, name := range order {
		gee, etcd := runs[name]["gee"], runs[name]["etcd"]
		fmt.Fprintln(w, name)
		lo, hi := 0.0, 0.0
		for i := 0; i < min(len(gee), len(etcd)); i++ {
			g, e := gee[i], etcd[i]
			if e["ops/s"] <= 0 {
				continue
			}
			r := g["ops/s"] / e["ops/s"]
			if i == 0 || r < lo {
				lo = r
			}
			if i == 0 || r > hi {
				hi = r
			}
			fmt.Fprintf(w, "  run %d: ops/s gee %.0f etcd %.0f = %.2fx | p50 ms gee %.2f etcd %.2f | p99 ms gee %.2f etcd %.2f | srv-cpu-us/op gee %.0f etcd %.0f\n",
				i+1, g["ops/s"], e["ops/s"], r, g["p50-ms"], e["p50-ms"], g["p99-ms"], e["p99-ms"],
				g["srv-cpu-us/op"], e["srv-cpu-us/op"])
		}
		if len(gee) == 0 || len(etcd) == 0 {
			fmt.Fprintf(w, "  (%d gee and %d etcd runs: nothing to pair)\n", len(gee), len(etcd))
			continue
		}
		fmt.Fprintf(w, "  throughput gee/etcd: %.2f-%.2fx\n", lo, hi)
	}
}
