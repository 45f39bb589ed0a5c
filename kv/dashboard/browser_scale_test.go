package dashboard

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var (
	// heatTagRE matches a heatmap row's label (with its store id) or one of the row's cells.
	heatTagRE   = regexp.MustCompile(`<div class="rowlabel">store (\d+)</div>|<div class="cell"[^>]*>`)
	refreshesRE = regexp.MustCompile(`<span id="updated"[^>]*data-refreshes="(\d+)"`)
	pageInfoRE  = regexp.MustCompile(`<span id="page-info"[^>]*>([^<]*)</span>`)
)

// heatRow is one store's row of the rendered heatmap: its columns and their summed counts.
type heatRow struct{ cols, replicas, leaders int }

// heatmapRows reads the rendered heatmap, a label then that store's cells, into rows by store id.
func heatmapRows(dom string) map[string]heatRow {
	out := map[string]heatRow{}
	store := "" // cells before any label land under "", which the caller rejects
	for _, m := range heatTagRE.FindAllStringSubmatch(dom, -1) {
		if m[1] != "" {
			store = m[1]
			out[store] = heatRow{}
			continue
		}
		r := out[store]
		r.cols++
		for _, a := range attrRE.FindAllStringSubmatch(m[0], -1) {
			n, _ := strconv.Atoi(a[2])
			switch a[1] {
			case "replicas":
				r.replicas += n
			case "leaders":
				r.leaders += n
			}
		}
		out[store] = r
	}
	return out
}

// TestBrowserTenThousandRegions loads the page over 10,000 regions on 5 stores, polling every
// 100 ms: the stores table has the cluster-wide counts, the regions table holds one page, the
// heatmap at most MaxBuckets columns whose counts add up to the stores', and the page keeps
// refreshing within a modest virtual-time budget.
func TestBrowserTenThousandRegions(t *testing.T) {
	b := newBrowserFixture(t, newFake(5, 10000))
	fast := strings.Replace(b.url, "interval=200", "interval=100", 1)
	if fast == b.url {
		t.Fatalf("fixture URL %q has no interval=200 to shorten", b.url)
	}
	b.url = fast
	const budget = time.Second
	start := time.Now()
	dom := b.loadFor("10,000 regions", budget)
	t.Logf("10,000 regions: %v of virtual time took %v", budget, time.Since(start).Round(time.Millisecond))

	want := map[string][3]string{}
	for s := 1; s <= 5; s++ {
		want[strconv.Itoa(s)] = [3]string{"up", "6000", "2000"} // 3 replicas of each region, 1 leader, over 5 stores
	}
	b.check("10,000 regions", dom, want)
	if m := pageInfoRE.FindStringSubmatch(dom); m == nil || m[1] != fmt.Sprintf("1–%d of 10000", DefaultRegionsLimit) {
		b.fail("page info %q, want the first page of 10000 regions", m)
	}
	// Each refresh is timed by interval; virtual time stops while a fetch is pending, so about
	// budget/interval refreshes must complete if rendering 10,000 regions' data keeps up.
	if m := refreshesRE.FindStringSubmatch(dom); m == nil {
		b.fail("#updated has no data-refreshes: no refresh completed")
	} else if n, _ := strconv.Atoi(m[1]); n < 5 {
		b.fail("%s refreshes in %v of virtual time at interval 100 ms, want at least 5", m[1], budget)
	}
	checkHeatmap(b, dom)
}

// checkHeatmap wants one heatmap row per store, 1..MaxBuckets columns each, counts summing to
// the store's 6000 replicas and 2000 leaders.
func checkHeatmap(b *browserFixture, dom string) {
	b.t.Helper()
	rows := heatmapRows(dom)
	if len(rows) != 5 {
		b.fail("heatmap rows %v, want one per store 1..5", rows)
		return
	}
	for id, r := range rows {
		if r.cols < 1 || r.cols > MaxBuckets || r.replicas != 6000 || r.leaders != 2000 {
			b.fail("heatmap store %s: %d columns, %d replicas, %d leaders; want 1..%d columns, 6000, 2000",
				id, r.cols, r.replicas, r.leaders, MaxBuckets)
		}
	}
}

// fail records a failed check and asks for a screenshot.
func (b *browserFixture) fail(format string, args ...any) {
	b.t.Helper()
	b.t.Errorf(format, args...)
	b.failed = true
}
