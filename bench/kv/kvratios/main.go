// Command kvratios reads `go test -bench 'KV|Txn'` output of package
// bench/kv and prints, per workload and per run, each TinyKV variant's
// throughput ("gee", "gee-8regions", ...; ops/s, or committed txns/s for
// BenchmarkTxn) as a ratio to etcd's with both sides' p50/p99 latency,
// server CPU and client CPU per op (0 when a line lacks the metric) and, for
// transactions, both abort rates; then the range of the ratio over the runs.
// Run i of a variant is paired with run i of "etcd" (go test -count N prints
// each case's N runs in order; KVBENCH_TXN_ROUNDS repeats them as name#01,
// name#02, which count as further runs).
//
//	go test -run '^$' -bench KV -benchtime 5s -count 3 ./kv | tee out.txt
//	go run ./kv/kvratios < out.txt
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

func main() {
	runs, order, impls, err := parse(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "kvratios:", err)
		os.Exit(1)
	}
	if len(order) == 0 {
		fmt.Fprintln(os.Stderr, "kvratios: no BenchmarkKV/<workload>/<impl> or BenchmarkTxn/<workload>/<impl> lines on stdin")
		os.Exit(1)
	}
	printRatios(os.Stdout, runs, order, impls)
}

// metrics is one benchmark line's values by unit.
type metrics map[string]float64

// parse collects the runs of each workload and implementation, the
// workloads in the order first seen, and the implementations likewise.
func parse(r io.Reader) (map[string]map[string][]metrics, []string, []string, error) {
	runs := map[string]map[string][]metrics{}
	var order, implOrder []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "BenchmarkKV/") && !strings.HasPrefix(f[0], "BenchmarkTxn/") {
			continue
		}
		parts := strings.Split(f[0], "/")
		if len(parts) != 3 {
			continue
		}
		w, impl := parts[1], trimRepeat(trimProcs(parts[2]))
		m := metrics{}
		for j := 2; j+1 < len(f); j += 2 {
			v, err := strconv.ParseFloat(f[j], 64)
			if err != nil {
				return nil, nil, nil, fmt.Errorf("%s: value %q: %v", f[0], f[j], err)
			}
			m[f[j+1]] = v
		}
		if runs[w] == nil {
			runs[w] = map[string][]metrics{}
			order = append(order, w)
		}
		if !slices.Contains(implOrder, impl) {
			implOrder = append(implOrder, impl)
		}
		runs[w][impl] = append(runs[w][impl], m)
	}
	return runs, order, implOrder, sc.Err()
}

// trimProcs drops go test's -GOMAXPROCS suffix ("gee-8regions-2" is
// "gee-8regions"); a suffix that is not a number is part of the name.
func trimProcs(name string) string {
	i := strings.LastIndexByte(name, '-')
	if i <= 0 {
		return name
	}
	if _, err := strconv.Atoi(name[i+1:]); err != nil {
		return name
	}
	return name[:i]
}

// trimRepeat drops the "#NN" go test appends to a repeated sub-benchmark
// name ("etcd#01" is "etcd").
func trimRepeat(name string) string {
	i := strings.LastIndexByte(name, '#')
	if i <= 0 {
		return name
	}
	if _, err := strconv.Atoi(name[i+1:]); err != nil {
		return name
	}
	return name[:i]
}

// throughput is a line's ops/s, or txns/s for a transactional one.
func throughput(m metrics) float64 {
	if v, ok := m["txns/s"]; ok {
		return v
	}
	return m["ops/s"]
}

// printRatios prints, per workload, every implementation other than etcd
// against etcd.
func printRatios(w io.Writer, runs map[string]map[string][]metrics, order, impls []string) {
	for _, name := range order {
		fmt.Fprintln(w, name)
		etcd := runs[name]["etcd"]
		for _, impl := range impls {
			if impl != "etcd" && runs[name][impl] != nil {
				printPairs(w, impl, runs[name][impl], etcd)
			}
		}
	}
}

// printPairs prints run i of gee (one TinyKV variant) against run i of etcd.
func printPairs(w io.Writer, impl string, gee, etcd []metrics) {
	lo, hi := 0.0, 0.0
	paired := 0
	var gAborts, eAborts []float64
	for i := 0; i < min(len(gee), len(etcd)); i++ {
		g, e := gee[i], etcd[i]
		if throughput(e) <= 0 {
			continue
		}
		r := throughput(g) / throughput(e)
		if paired == 0 || r < lo {
			lo = r
		}
		if paired == 0 || r > hi {
			hi = r
		}
		paired++
		unit := "ops/s"
		if _, ok := g["txns/s"]; ok {
			unit = "txns/s"
		}
		fmt.Fprintf(w, "  %s run %d: %s %s %.0f etcd %.0f = %.2fx | p50 ms %.2f vs %.2f | p99 ms %.2f vs %.2f | srv-cpu-us/op %.0f vs %.0f | cli-cpu-us/op %.0f vs %.0f",
			impl, i+1, unit, impl, throughput(g), throughput(e), r, g["p50-ms"], e["p50-ms"], g["p99-ms"], e["p99-ms"],
			g["srv-cpu-us/op"], e["srv-cpu-us/op"], g["cli-cpu-us/op"], e["cli-cpu-us/op"])
		_, ga := g["abort-rate"]
		_, ea := e["abort-rate"]
		if ga || ea {
			fmt.Fprintf(w, " | abort-rate %.3f vs %.3f", g["abort-rate"], e["abort-rate"])
			gAborts, eAborts = append(gAborts, g["abort-rate"]), append(eAborts, e["abort-rate"])
		}
		fmt.Fprintln(w)
	}
	if paired == 0 {
		fmt.Fprintf(w, "  %s: %d runs, %d etcd runs: nothing to pair\n", impl, len(gee), len(etcd))
		return
	}
	fmt.Fprintf(w, "  throughput %s/etcd: %.2f-%.2fx\n", impl, lo, hi)
	if len(gAborts) > 0 {
		fmt.Fprintf(w, "  abort-rate %s %.3f-%.3f, etcd %.3f-%.3f\n", impl,
			slices.Min(gAborts), slices.Max(gAborts), slices.Min(eAborts), slices.Max(eAborts))
	}
}
