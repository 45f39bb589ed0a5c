package server

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/raftserverpb"
	"github.com/gee-project/gee/kv/raft/raftpb"
	"github.com/gee-project/gee/kv/raftstore"
	"github.com/gee-project/gee/kv/server/snapchunk"
)

// nullTransport drops everything the store sends: this test only watches what arrives.
type nullTransport struct{}

func (nullTransport) Send(*raftserverpb.RaftMessage) error { return nil }

// logLines collects the server's log.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *logLines) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// TestHostilePeerInputChangesNothing sends a real raftstore, over a real gRPC stream, a
// message for a region it does not host, an entry over the size limit and a truncated
// snapshot. Each is refused with an error that says why, and the region's state and the
// engine stay exactly as they were; a valid message afterwards still gets through.
func TestHostilePeerInputChangesNothing(t *testing.T) {
	eng, err := engine.Open(t.TempDir(), engine.Options{CacheSize: 1 << 20, MemTableSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	// Data a wrongly installed snapshot would wipe.
	wb := eng.NewBatch()
	wb.Put(engine.CFDefault, []byte("a"), []byte("1"))
	if err := eng.Write(wb, true); err != nil {
		t.Fatal(err)
	}
	wb.Close()
	// A long tick: the store never campaigns, so only what the test sends moves its state.
	store, err := raftstore.NewStore(raftstore.Config{StoreID: 2, TickInterval: time.Hour,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, eng, nullTransport{})
	if err != nil {
		t.Fatal(err)
	}
	region := &metapb.Region{Id: 1, RegionEpoch: &metapb.RegionEpoch{ConfVer: 1, Version: 1},
		Peers: []*metapb.Peer{{Id: 1, StoreId: 1}, {Id: 2, StoreId: 2}, {Id: 3, StoreId: 3}}}
	if err := store.Bootstrap(region); err != nil {
		t.Fatal(err)
	}
	if err := store.Start(); err != nil {
		t.Fatal(err)
	}
	defer store.Stop()

	logs := &logLines{}
	srv := New(store.Storage(), store, Limits{MaxRaftEntrySize: 1024}, logs.logf)
	c := serve(t, srv, GRPCConfig{})
	before, _ := store.RegionStatus(1)
	dataBefore := engineData(t, eng)
	if dataBefore == "[]" {
		t.Fatal("no data in the engine to watch")
	}

	from, to := &metapb.Peer{Id: 1, StoreId: 1}, &metapb.Peer{Id: 2, StoreId: 2}
	unknownRegion := &raftserverpb.RaftMessage{RegionId: 42, FromPeer: from, ToPeer: to,
		Message: &raftpb.Message{Type: raftpb.MessageType_MsgHeartbeat, From: 1, To: 2, Term: 9}}
	bigEntry := &raftserverpb.RaftMessage{RegionId: 1, FromPeer: from, ToPeer: to, RegionEpoch: region.RegionEpoch,
		Message: &raftpb.Message{Type: raftpb.MessageType_MsgApp, From: 1, To: 2, Term: 9, LogTerm: 5, Index: 5, Commit: 6,
			Entries: []*raftpb.Entry{{Term: 9, Index: 6, Data: make([]byte, 2048)}}}}
	stream, err := c.Raft(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []*raftserverpb.RaftMessage{unknownRegion, bigEntry} {
		if err := stream.Send(m); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := stream.CloseAndRecv(); err != nil {
		t.Fatal(err)
	}

	// A snapshot that breaks off after two of its three chunks.
	snapMsg := &raftserverpb.RaftMessage{RegionId: 1, FromPeer: from, ToPeer: to, RegionEpoch: region.RegionEpoch,
		Message: &raftpb.Message{Type: raftpb.MessageType_MsgSnap, From: 1, To: 2, Term: 9,
			Snapshot: &raftpb.Snapshot{Data: make([]byte, 3000), Metadata: &raftpb.SnapshotMetadata{Index: 100, Term: 9,
				ConfState: &raftpb.ConfState{Voters: []uint64{1, 2, 3}}}}}}
	chunks, err := snapchunk.Split(snapMsg, 1000)
	if err != nil {
		t.Fatal(err)
	}
	ss, err := c.Snapshot(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range chunks[:2] {
		if err := ss.Send(ch); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ss.CloseAndRecv(); err == nil || !strings.Contains(err.Error(), "truncated snapshot: 2000 of 3000 bytes") {
		t.Fatalf("truncated snapshot stream: %v", err)
	}

	for _, want := range []string{"store 2 has no peer of region 42", "entry 6 of 2048 bytes exceeds the limit of 1024", "truncated snapshot"} {
		if !strings.Contains(logs.text(), want) {
			t.Errorf("log does not explain a refusal with %q:\n%s", want, logs.text())
		}
	}
	if st := srv.Stats(); st.RaftRejected != 2 || st.RaftDelivered != 0 || st.SnapshotRejected != 1 {
		t.Fatalf("stats = %+v", st)
	}
	after, _ := store.RegionStatus(1)
	if fmt.Sprint(after.Term, after.Commit, after.Applied, after.LastIndex, after.LeaderID) !=
		fmt.Sprint(before.Term, before.Commit, before.Applied, before.LastIndex, before.LeaderID) {
		t.Fatalf("region state moved: before %+v, after %+v", before, after)
	}
	if d := engineData(t, eng); d != dataBefore {
		t.Fatalf("engine data changed: %s -> %s", dataBefore, d)
	}

	// The same path still delivers a valid message: a heartbeat at term 9 moves the term.
	stream, err = c.Raft(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	hb := &raftserverpb.RaftMessage{RegionId: 1, FromPeer: from, ToPeer: to, RegionEpoch: region.RegionEpoch,
		Message: &raftpb.Message{Type: raftpb.MessageType_MsgHeartbeat, From: 1, To: 2, Term: 9}}
	if err := stream.Send(hb); err != nil {
		t.Fatal(err)
	}
	if _, err := stream.CloseAndRecv(); err != nil {
		t.Fatal(err)
	}
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if st, _ := store.RegionStatus(1); st.Term == 9 {
			break
		}
		if time.Now().After(end) {
			t.Fatalf("a valid heartbeat did not reach raft: %+v", after)
		}
	}
}

// engineData lists every user key and value in every column family.
func engineData(t *testing.T, eng *engine.Engine) string {
	t.Helper()
	snap := eng.Snapshot()
	defer snap.Close()
	var out []string
	for _, cf := range engine.CFs {
		it, err := snap.NewCFIterator(cf, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		for ; it.Valid(); it.Next() {
			out = append(out, fmt.Sprintf("%s:%q=%q", cf, it.Key(), it.Value()))
		}
		it.Close()
	}
	return fmt.Sprint(out)
}
