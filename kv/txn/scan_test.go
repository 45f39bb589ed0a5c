package txn

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gee-project/gee/kv/proto/kvrpcpb"
)

func (f *fixture) scan(start, end string, limit uint32, version uint64) string {
	f.t.Helper()
	resp, err := f.e.Scan(ctx, &kvrpcpb.KvScanRequest{StartKey: []byte(start), EndKey: []byte(end), Limit: limit, Version: version})
	if err != nil {
		f.t.Fatalf("Scan: %v", err)
	}
	var out []string
	for _, p := range resp.GetPairs() {
		if p.GetError() != nil {
			out = append(out, fmt.Sprintf("%s:locked@%d", p.GetKey(), p.GetError().GetLocked().GetLockVersion()))
			continue
		}
		out = append(out, fmt.Sprintf("%s=%s", p.GetKey(), p.GetValue()))
	}
	return strings.Join(out, " ")
}

func (f *fixture) wantScan(start, end string, limit uint32, version uint64, want string) {
	f.t.Helper()
	if got := f.scan(start, end, limit, version); got != want {
		f.t.Fatalf("Scan(%q, %q, limit %d, at %d) = %q, want %q", start, end, limit, version, got, want)
	}
}

func scanData(f *fixture) {
	f.committed("a", 10, 20, []byte("a1"))
	f.committed("a", 30, 40, []byte("a2"))
	f.committed("b", 10, 20, []byte("b1"))
	f.committed("b\x00", 10, 20, []byte("b0"))
	f.committed("c", 10, 20, []byte("c1"))
	f.committed("c", 30, 40, nil) // deleted at 40
	f.committed("d", 50, 60, []byte("d1"))
}

func TestScanEmpty4C(t *testing.T) {
	f := newFixture(t)
	f.wantScan("", "", 10, 100, "")
	scanData(f)
	f.wantScan("", "", 10, 5, "")     // before every commit
	f.wantScan("e", "", 10, 100, "")  // past the last key
	f.wantScan("c", "b", 10, 100, "") // start after end
	f.wantScan("b", "b", 10, 100, "") // empty range
	f.wantScan("c", "d", 10, 100, "") // only a deleted key
}

func TestScanLimitZero4C(t *testing.T) {
	f := newFixture(t)
	scanData(f)
	f.wantScan("", "", 0, 100, "")
}

func TestScanAll4C(t *testing.T) {
	f := newFixture(t)
	scanData(f)
	f.wantScan("", "", 100, 100, "a=a2 b=b1 b\x00=b0 d=d1")
	f.wantScan("", "", 100, 30, "a=a1 b=b1 b\x00=b0 c=c1")
	f.wantScan("a\x00", "d", 100, 100, "b=b1 b\x00=b0")
}

func TestScanLimit4C(t *testing.T) {
	f := newFixture(t)
	scanData(f)
	f.wantScan("", "", 2, 100, "a=a2 b=b1")
	f.wantScan("b\x00\x00", "", 1, 100, "d=d1") // the deleted c does not use the limit
}

func TestScanDeleted4C(t *testing.T) {
	f := newFixture(t)
	scanData(f)
	f.wantScan("c", "", 10, 39, "c=c1") // d commits at 60
	f.wantScan("c", "", 10, 40, "")
	f.wantScan("c", "", 10, 60, "d=d1")
}

func TestScanLocked4C(t *testing.T) {
	f := newFixture(t)
	scanData(f)
	f.locked("b", "b", 70, 100, "new")   // a locked key with history
	f.locked("bb", "b", 70, 100, "new2") // a locked key written first by this txn
	f.wantScan("", "", 10, 80, "a=a2 b:locked@70 b\x00=b0 bb:locked@70 d=d1")
	f.wantScan("", "", 10, 69, "a=a2 b=b1 b\x00=b0 d=d1")
	f.wantScan("", "", 3, 80, "a=a2 b:locked@70 b\x00=b0")
}

func TestScanRejectsBadRequests(t *testing.T) {
	f := newFixture(t)
	for field, req := range map[string]*kvrpcpb.KvScanRequest{
		"version":   {Limit: 1},
		"limit":     {Limit: MaxScanLimit + 1, Version: 1},
		"start_key": {StartKey: make([]byte, MaxKeySize+1), Limit: 1, Version: 1},
		"end_key":   {EndKey: make([]byte, MaxKeySize+1), Limit: 1, Version: 1},
	} {
		if _, err := f.e.Scan(ctx, req); !errors.Is(err, ErrInvalidRequest) || !strings.Contains(err.Error(), field) {
			t.Errorf("bad %s: err = %v", field, err)
		}
	}
}

func TestScanStopsAtByteLimit(t *testing.T) {
	f := newFixture(t)
	scanData(f)
	defer func(old int) { scanByteLimit = old }(scanByteLimit)
	scanByteLimit = 1
	f.wantScan("", "", 10, 100, "a=a2") // at least one pair
	scanByteLimit = 6
	f.wantScan("", "", 10, 100, "a=a2 b=b1")
}
