package main

import (
	"strings"
	"testing"
)

func TestDemoBalancesAcrossBothServers(t *testing.T) {
	var out strings.Builder
	if err := run(&out, 6); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if strings.Count(got, "server-a") != 3 || strings.Count(got, "server-b") != 3 {
		t.Fatalf("round robin should split 6 calls 3/3:\n%s", got)
	}
	if !strings.Contains(got, "5 + 25 = 30") {
		t.Fatalf("wrong sums:\n%s", got)
	}
}
