package cache

import (
	"math"
	"testing"
	"time"
)

func TestPopularityWindowsDecay(t *testing.T) {
	now := time.Unix(1000, 0)
	p := newPopularity(time.Minute, func() time.Time { return now })
	for i := 0; i < 10; i++ {
		p.add("hot")
	}
	if got := p.add("hot"); got != 11 {
		t.Fatalf("estimate in the first window = %v, want 11", got)
	}
	if got := p.add("cold"); got != 1 {
		t.Fatalf("another key = %v, want 1", got)
	}
	// A minute later the old window counts fully at the start of the new one
	// and fades linearly as the new window ages.
	now = now.Add(time.Minute)
	if got := p.add("hot"); got != 12 {
		t.Fatalf("right after rotation = %v, want 1 + 11", got)
	}
	now = now.Add(30 * time.Second)
	if got := p.add("hot"); math.Abs(got-(2+5.5)) > 1e-9 {
		t.Fatalf("half-way through = %v, want 2 + 11/2", got)
	}
	now = now.Add(5 * time.Minute) // idle for longer than two windows: forgotten
	if got := p.add("hot"); got != 1 {
		t.Fatalf("after a long idle = %v, want 1", got)
	}
}

func TestServePeerReportsMeasuredRate(t *testing.T) {
	g := NewGroup("g", 1<<20, &countingGetter{})
	var qps float64
	for i := 0; i < 6; i++ {
		_, qps, _, _ = g.ServePeer(ctx, "k")
	}
	if want := 6.0 / 60; math.Abs(qps-want) > 1e-9 {
		t.Fatalf("minute_qps after 6 requests in the window = %v, want %v", qps, want)
	}
	if st := g.Stats(); st.ServerRequests != 6 || st.LocalLoads != 1 {
		t.Fatalf("stats = %+v", st)
	}
}
