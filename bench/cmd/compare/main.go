// Command compare runs the side-by-side benchmarks of the bench module and
// prints, for every case, each implementation's cost as a ratio to Gee's.
//
// Benchmarks name their implementation in the last path element:
//
//	BenchmarkRouter/github-all/gee
//	BenchmarkRouter/github-all/gin
//
// Rows are grouped by everything before the last element; the "gee" row is the
// baseline. Any extra metrics reported with b.ReportMetric are shown too.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

func main() {
	bench := flag.String("bench", ".", "benchmark pattern passed to go test -bench")
	pkgs := flag.String("pkgs", "./...", "packages to benchmark")
	benchtime := flag.String("benchtime", "", "go test -benchtime value (default: go's)")
	count := flag.Int("count", 1, "go test -count value; the median of the runs is reported")
	flag.Parse()

	args := []string{"test", "-run", "^$", "-bench", *bench, "-benchmem", "-count", fmt.Sprint(*count)}
	if *benchtime != "" {
		args = append(args, "-benchtime", *benchtime)
	}
	args = append(args, strings.Fields(*pkgs)...)
	cmd := exec.Command("go", args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
	results := parse(io.TeeReader(out, os.Stdout))
	werr := cmd.Wait()
	fmt.Println()
	printTable(os.Stdout, results)
	if werr != nil {
		fmt.Fprintln(os.Stderr, "compare: go test:", werr)
		os.Exit(1)
	}
}

// parse reads `go test -bench` output and returns the results in input order.
func parse(r io.Reader) []Result {
	var res []Result
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if r, ok := parseLine(sc.Text()); ok {
			res = append(res, r)
		}
	}
	return res
}
