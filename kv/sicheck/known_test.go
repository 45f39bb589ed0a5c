package sicheck

import (
	"strings"
	"testing"
)

// Helpers to write histories compactly.
func put(k, v string) Write { return Write{Key: k, Value: v} }
func del(k string) Write    { return Write{Key: k, Delete: true} }
func got(k, v string) Read  { return Read{Key: k, Value: v, Found: true} }
func absent(k string) Read  { return Read{Key: k} }
func rs(r ...Read) []Read   { return r }
func ws(w ...Write) []Write { return w }
func ok(id int, start, commit uint64, r []Read, w []Write) Txn {
	return Txn{ID: id, Start: start, Commit: commit, Status: Committed, Reads: r, Writes: w}
}

// init0 commits x=x0 and y=y0 at ts 2.
var init0 = ok(0, 1, 2, nil, ws(put("x", "x0"), put("y", "y0")))

func TestKnownGoodHistories(t *testing.T) {
	cases := map[string][]Txn{
		"empty": nil,
		"sequential rmw": {init0,
			ok(1, 3, 4, rs(got("x", "x0")), ws(put("x", "x1"))),
			ok(2, 5, 6, rs(got("x", "x1")), ws(put("x", "x2")))},
		"concurrent disjoint writers": {init0,
			ok(1, 3, 6, rs(got("x", "x0")), ws(put("x", "x1"))),
			ok(2, 4, 5, rs(got("y", "y0"), got("x", "x0")), ws(put("y", "y1")))},
		"snapshot read ignores later commit": {init0,
			ok(1, 3, 5, nil, ws(put("x", "x1"), put("y", "y1"))),
			ok(2, 4, 0, rs(got("x", "x0"), got("y", "y0")), nil),
			ok(3, 6, 6, rs(got("x", "x1"), got("y", "y1")), nil)},
		"delete then absent": {init0,
			ok(1, 3, 4, nil, ws(del("x"))),
			ok(2, 5, 0, rs(absent("x"), got("y", "y0")), nil),
			ok(3, 6, 7, rs(absent("x")), ws(put("x", "x3"))),
			ok(4, 1, 0, rs(absent("x"), absent("y")), nil)},
		"aborted writer never read": {init0,
			{ID: 1, Start: 3, Status: Aborted, Writes: ws(put("x", "xa"))},
			ok(2, 4, 0, rs(got("x", "x0")), nil)},
		"undetermined read after its commit": {init0,
			{ID: 1, Start: 3, Commit: 4, Status: Undetermined, Writes: ws(put("x", "x1"), put("y", "y1"))},
			ok(2, 5, 0, rs(got("x", "x1"), got("y", "y1")), nil)},
		"undetermined unread and missed": {init0,
			{ID: 1, Start: 3, Commit: 4, Status: Undetermined, Writes: ws(put("x", "x1"))},
			ok(2, 5, 0, rs(got("x", "x0")), nil)},
		"undetermined with unknown commit_ts read": {init0,
			{ID: 1, Start: 3, Status: Undetermined, Writes: ws(put("x", "x1"))},
			ok(2, 9, 0, rs(got("x", "x1")), nil)},
		"absent after an unread undetermined delete": {init0,
			{ID: 1, Start: 3, Status: Undetermined, Writes: ws(del("x"))},
			ok(2, 5, 0, rs(absent("x")), nil),
			{ID: 3, Start: 6, Commit: 7, Status: Undetermined, Writes: ws(del("y"))},
			ok(4, 8, 0, rs(absent("y")), nil)},
		"own writes read back": {init0,
			ok(1, 3, 4, rs(got("x", "x0"), got("x", "x1")), ws(put("x", "x1")))},
		"aborted reader sees a snapshot": {init0,
			{ID: 1, Start: 3, Status: Aborted, Reads: rs(got("x", "x0")), Writes: ws(put("x", "x1"))}},
	}
	for name, h := range cases {
		as, err := Check(h)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(as) != 0 {
			t.Errorf("%s: want no anomalies, got %v", name, as)
		}
	}
}

func TestKnownBadHistories(t *testing.T) {
	cases := []struct {
		name string
		h    []Txn
		kind Kind
		txns []int
		key  string
	}{
		{"G0 concurrent blind writes", []Txn{init0,
			ok(1, 3, 5, nil, ws(put("x", "x1"))),
			ok(2, 4, 6, nil, ws(put("x", "x2")))}, G0, []int{1, 2}, "x"},
		{"G1a aborted read", []Txn{init0,
			{ID: 1, Start: 3, Status: Aborted, Writes: ws(put("x", "xa"))},
			ok(2, 4, 0, rs(got("x", "xa")), nil)}, G1a, []int{2, 1}, "x"},
		{"G1a undetermined-then-aborted is still aborted", []Txn{init0,
			{ID: 1, Start: 3, Commit: 4, Status: Aborted, Writes: ws(put("y", "ya"))},
			ok(2, 5, 0, rs(got("y", "ya")), nil)}, G1a, []int{2, 1}, "y"},
		{"G1b intermediate read", []Txn{init0,
			ok(1, 3, 4, nil, ws(put("x", "x1a"), put("x", "x1b"))),
			ok(2, 5, 0, rs(got("x", "x1a")), nil)}, G1b, []int{2, 1}, "x"},
		{"G1c wr cycle", []Txn{init0,
			ok(1, 3, 6, rs(got("x", "x2")), ws(put("y", "y1"))),
			ok(2, 4, 5, rs(got("y", "y1")), ws(put("x", "x2")))}, G1c, []int{1, 2}, "x"},
		{"G1c among undetermined with unknown commit_ts", []Txn{init0,
			{ID: 1, Start: 3, Status: Undetermined, Reads: rs(got("x", "x2")), Writes: ws(put("y", "y1"))},
			{ID: 2, Start: 4, Status: Undetermined, Reads: rs(got("y", "y1")), Writes: ws(put("x", "x2"))}}, G1c, []int{1, 2}, "y"},
		{"lost update", []Txn{init0,
			ok(1, 3, 5, rs(got("x", "x0")), ws(put("x", "x1"))),
			ok(2, 4, 6, rs(got("x", "x0")), ws(put("x", "x2")))}, LostUpdate, []int{1, 2}, "x"},
		{"lost update from absent", []Txn{
			ok(1, 3, 5, rs(absent("c")), ws(put("c", "1a"))),
			ok(2, 4, 6, rs(absent("c")), ws(put("c", "1b")))}, LostUpdate, []int{1, 2}, "c"},
		{"read skew: future read", []Txn{init0,
			ok(1, 3, 5, nil, ws(put("x", "x1"), put("y", "y1"))),
			ok(2, 4, 0, rs(got("x", "x0"), got("y", "y1")), nil)}, ReadSkew, []int{2, 1}, "y"},
		{"read skew: stale read", []Txn{init0,
			ok(1, 3, 5, nil, ws(put("x", "x1"), put("y", "y1"))),
			ok(2, 6, 0, rs(got("x", "x1"), got("y", "y0")), nil)}, ReadSkew, []int{2, 0, 1}, "y"},
		{"read skew: missed value read as absent", []Txn{init0,
			ok(2, 6, 0, rs(absent("x")), nil)}, ReadSkew, []int{2, 0}, "x"},
		{"read skew: undetermined committed after reader started", []Txn{init0,
			{ID: 1, Start: 3, Commit: 7, Status: Undetermined, Writes: ws(put("x", "x1"))},
			ok(2, 5, 0, rs(got("x", "x1")), nil)}, ReadSkew, []int{2, 1}, "x"},
		{"read skew: writer started after reader", []Txn{init0,
			{ID: 1, Start: 8, Status: Undetermined, Writes: ws(put("x", "x1"))},
			ok(2, 5, 0, rs(got("x", "x1")), nil)}, ReadSkew, []int{2, 1}, "x"},
		{"read skew: missed undetermined another txn saw", []Txn{init0,
			{ID: 1, Start: 3, Commit: 4, Status: Undetermined, Writes: ws(put("x", "x1"), put("y", "y1"))},
			ok(2, 5, 0, rs(got("x", "x1")), nil),
			ok(3, 6, 0, rs(got("y", "y0")), nil)}, ReadSkew, []int{3, 0, 1}, "y"},
		{"garbage read", []Txn{init0,
			ok(1, 3, 0, rs(got("x", "nobody")), nil)}, GarbageRead, []int{1}, "x"},
	}
	for _, c := range cases {
		as, err := Check(c.h)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !hasAnomaly(as, c.kind, c.txns, c.key) {
			t.Errorf("%s: want %s txns=%v key %q, got %v", c.name, c.kind, c.txns, c.key, as)
		}
	}
}

func hasAnomaly(as []Anomaly, kind Kind, txns []int, key string) bool {
	for _, a := range as {
		if a.Kind != kind || !sameInts(a.Txns, txns) {
			continue
		}
		for _, k := range a.Keys {
			if k == key {
				return true
			}
		}
	}
	return false
}

func sameInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestBadInputIsAnError(t *testing.T) {
	cases := map[string]struct {
		h    []Txn
		want string
	}{
		"repeated id":    {[]Txn{init0, ok(0, 3, 4, nil, nil)}, "id 0 appears twice"},
		"zero start":     {[]Txn{ok(1, 0, 4, nil, nil)}, "start_ts 0"},
		"unknown status": {[]Txn{{ID: 1, Start: 2}}, "unknown status 0"},
		"commit ≤ start": {[]Txn{ok(1, 5, 5, nil, ws(put("x", "a")))}, "not above its start_ts"},
		"no commit ts":   {[]Txn{ok(1, 5, 0, nil, ws(put("x", "a")))}, "no commit_ts"},
		"value reused":   {[]Txn{init0, ok(1, 3, 4, nil, ws(put("x", "x0")))}, `value "x0" written to key "x" by txn 0 and again by txn 1`},
		"value repeated": {[]Txn{ok(1, 3, 4, nil, ws(put("x", "a"), put("x", "a")))}, "unique per key"},
	}
	for name, c := range cases {
		_, err := Check(c.h)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: want error containing %q, got %v", name, c.want, err)
		}
	}
}
