package cluster

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/gee-project/gee/kv/raft/raftpb"
)

func op(client int, in Input, out Output, call, ret int64) porcupine.Operation {
	return porcupine.Operation{ClientId: client, Input: in, Output: out, Call: call, Return: ret}
}

func TestModelHandWritten(t *testing.T) {
	put := func(k, v string) Input { return Input{Kind: OpPut, Part: "p", Key: k, Value: v} }
	get := func(k string) Input { return Input{Kind: OpGet, Part: "p", Key: k} }
	scan := Input{Kind: OpScan, Part: "p", Key: "a", End: "z"}
	unknown := Output{Unknown: true}
	const inf = 1000
	cases := []struct {
		name string
		ops  []porcupine.Operation
		want bool
	}{
		{"read after write", []porcupine.Operation{
			op(0, put("x", "1"), Output{}, 0, 10),
			op(1, get("x"), Output{Found: true, Value: "1"}, 11, 12),
		}, true},
		{"stale read after write", []porcupine.Operation{
			op(0, put("x", "1"), Output{}, 0, 10),
			op(1, get("x"), Output{}, 11, 12),
		}, false},
		{"concurrent read may miss", []porcupine.Operation{
			op(0, put("x", "1"), Output{}, 0, 10),
			op(1, get("x"), Output{}, 5, 12),
		}, true},
		{"ambiguous write seen", []porcupine.Operation{
			op(0, put("x", "1"), unknown, 0, inf),
			op(1, get("x"), Output{Found: true, Value: "1"}, 20, 21),
		}, true},
		{"ambiguous write never applied", []porcupine.Operation{
			op(0, put("x", "1"), unknown, 0, inf),
			op(1, get("x"), Output{}, 20, 21),
		}, true},
		{"ambiguous write cannot unapply", []porcupine.Operation{
			op(0, put("x", "1"), unknown, 0, inf),
			op(1, get("x"), Output{Found: true, Value: "1"}, 20, 21),
			op(1, get("x"), Output{}, 22, 23),
		}, false},
		{"scan sees acknowledged writes in order", []porcupine.Operation{
			op(0, put("b", "2"), Output{}, 0, 1),
			op(0, put("a", "1"), Output{}, 2, 3),
			op(1, scan, Output{Pairs: []KV{{"a", "1"}, {"b", "2"}}}, 4, 5),
		}, true},
		{"scan misses an acknowledged write", []porcupine.Operation{
			op(0, put("b", "2"), Output{}, 0, 1),
			op(0, put("a", "1"), Output{}, 2, 3),
			op(1, scan, Output{Pairs: []KV{{"b", "2"}}}, 4, 5),
		}, false},
		{"deleted key absent", []porcupine.Operation{
			op(0, put("a", "1"), Output{}, 0, 1),
			op(0, Input{Kind: OpDelete, Part: "p", Key: "a"}, Output{}, 2, 3),
			op(1, get("a"), Output{Found: true, Value: "1"}, 4, 5),
		}, false},
	}
	for _, tc := range cases {
		if got := porcupine.CheckOperations(Model, tc.ops); got != tc.want {
			t.Errorf("%s: linearizable = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// runFake drives both workloads against the in-memory fake for d and checks the history.
func runFake(t *testing.T, lag int, d time.Duration) (genericErr error, res porcupine.CheckResult, checkErr error) {
	t.Helper()
	r := &memRouter{db: newMemDB(), ids: []uint64{1, 2, 3}, leader: 2}
	r.db.lag = lag
	w := NewWorkload()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	done := make(chan struct{})
	go func() {
		w.RunContentionRound(ctx, 3, 3, 1, func(int) KVClient { return NewClient(r) })
		close(done)
	}()
	genericErr = w.RunGenericRound(ctx, 3, func(int) KVClient { return NewClient(r) })
	<-done
	if total, _ := w.Hist.Len(); total < 50 {
		t.Fatalf("only %d operations recorded", total)
	}
	res, checkErr = CheckLinearizable(w.Hist, t.Name(), time.Minute)
	return genericErr, res, checkErr
}

func TestCheckerAcceptsLinearizableFake(t *testing.T) {
	gerr, res, err := runFake(t, 0, 300*time.Millisecond)
	if gerr != nil || res != porcupine.Ok || err != nil {
		t.Fatalf("generic check: %v; porcupine: %s %v", gerr, res, err)
	}
}

// TestCheckerCatchesStaleRead is the mutation check: a store whose reads lag a few writes
// behind must fail both the generic check and porcupine, and the failure names the HTML.
func TestCheckerCatchesStaleRead(t *testing.T) {
	t.Setenv("KV_CLUSTER_VIS_DIR", t.TempDir())
	gerr, res, err := runFake(t, 3, 300*time.Millisecond)
	if gerr == nil {
		t.Error("generic check accepted stale scans")
	}
	if res != porcupine.Illegal || err == nil {
		t.Fatalf("porcupine accepted stale reads: %s %v", res, err)
	}
	i := strings.Index(err.Error(), "visualisation: ")
	if i < 0 {
		t.Fatalf("failure does not name the visualisation: %v", err)
	}
	path := err.Error()[i+len("visualisation: "):]
	b, rerr := os.ReadFile(path)
	if rerr != nil || !strings.Contains(string(b), "<html") {
		t.Fatalf("visualisation %s: %v (%d bytes)", path, rerr, len(b))
	}
}

func TestClientFollowsNotLeader(t *testing.T) {
	r := &memRouter{db: newMemDB(), ids: []uint64{1, 2, 3}, leader: 3}
	cl := NewClient(r)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := cl.Put(ctx, "a", "1"); err != nil {
		t.Fatal(err)
	}
	if cl.leader != 3 {
		t.Fatalf("client believes store %d leads, want 3", cl.leader)
	}
	v, ok, err := cl.Get(ctx, "a")
	if err != nil || !ok || v != "1" {
		t.Fatalf("get = %q %v %v", v, ok, err)
	}
	r.leader = 1
	kvs, err := cl.Scan(ctx, "", "", 0)
	if err != nil || len(kvs) != 1 || cl.leader != 1 {
		t.Fatalf("scan after leader change = %v %v (leader %d)", kvs, err, cl.leader)
	}
}

// TestFirstDivergence: CheckLogs reports the lowest index two stores both applied with
// different entries, and ignores entries above either store's applied index (an
// unacknowledged tail the leader may still cut).
func TestFirstDivergence(t *testing.T) {
	log := func(applied uint64, terms ...uint64) *RaftLog {
		l := &RaftLog{Applied: applied, Entries: map[uint64]*raftpb.Entry{}}
		for i, term := range terms {
			l.Entries[uint64(i+6)] = &raftpb.Entry{Index: uint64(i + 6), Term: term}
		}
		return l
	}
	cases := []struct {
		name   string
		a, b   *RaftLog
		want   uint64
		differ bool
	}{
		{"same", log(9, 6, 6, 7, 7), log(9, 6, 6, 7, 7), 0, false},
		{"two leaders in term 7", log(9, 6, 6, 7, 7), log(9, 6, 7, 8, 8), 7, true},
		{"only beyond applied", log(7, 6, 6, 7), log(9, 6, 6, 8, 8), 0, false},
	}
	for _, tc := range cases {
		i, differ := firstDivergence(tc.a, tc.b)
		if differ != tc.differ || i != tc.want {
			t.Errorf("%s: firstDivergence = %d, %v; want %d, %v", tc.name, i, differ, tc.want, tc.differ)
		}
	}
}
