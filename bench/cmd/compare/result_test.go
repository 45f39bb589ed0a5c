package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestParseLine(t *testing.T) {
	r, ok := parseLine("BenchmarkRouter/github-all/gee-2   	  80000	     14203 ns/op	       0 B/op	       0 allocs/op")
	if !ok {
		t.Fatal("benchmark line not recognised")
	}
	if r.Case != "Router/github-all" || r.Impl != "gee" {
		t.Fatalf("case/impl = %q/%q", r.Case, r.Impl)
	}
	if r.Metrics["ns/op"] != 14203 || r.Metrics["allocs/op"] != 0 {
		t.Fatalf("metrics = %v", r.Metrics)
	}
	for _, bad := range []string{"PASS", "ok  	pkg	1.2s", "BenchmarkNoImpl-2 10 5 ns/op", "Benchmark/x/y notanumber 5 ns/op"} {
		if _, ok := parseLine(bad); ok {
			t.Errorf("parsed non-result line %q", bad)
		}
	}
}

func TestTableRatiosAndMedian(t *testing.T) {
	in := strings.Join([]string{
		"BenchmarkFib/n=35/gee-2 1 100 ns/op",
		"BenchmarkFib/n=35/gee-2 1 300 ns/op",
		"BenchmarkFib/n=35/gee-2 1 200 ns/op",
		"BenchmarkFib/n=35/python-2 1 400 ns/op",
	}, "\n")
	var buf bytes.Buffer
	printTable(&buf, parse(strings.NewReader(in)))
	out := buf.String()
	if !strings.Contains(out, "gee/python = 0.50x") {
		t.Fatalf("median-based ratio missing:\n%s", out)
	}
}
