package scheduler

import (
	"testing"
	"time"

	"github.com/gee-project/gee/kv/proto/metapb"
	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
)

func storeBeat(t *testing.T, s *Server, id, requests, commits uint64) {
	t.Helper()
	resp, err := s.StoreHeartbeat(ctx(t), &pb.StoreHeartbeatRequest{Stats: &pb.StoreStats{StoreId: id, KvRequests: requests, KvCommits: commits}})
	if err != nil || resp.GetHeader().GetError() != nil {
		t.Fatalf("store heartbeat: %v, %v", resp, err)
	}
}

// StoreLoad is the counters' growth between the last two heartbeats per second; 0 with one
// heartbeat, for an unknown store, and for a counter that went backwards (a restart).
func TestStoreLoad(t *testing.T) {
	clock := &testClock{t: time.Unix(1_700_000_000, 0)}
	ts := startServer(t, Config{Now: clock.now})
	ts.bootstrap()
	s := ts.s
	storeBeat(t, s, 1, 100, 10)
	if r, c := s.StoreLoad(1); r != 0 || c != 0 {
		t.Fatalf("after one heartbeat: %v, %v", r, c)
	}
	clock.advance(2 * time.Second)
	storeBeat(t, s, 1, 300, 30)
	if r, c := s.StoreLoad(1); r != 100 || c != 10 {
		t.Fatalf("after two heartbeats 2 s apart: %v req/s, %v commits/s; want 100, 10", r, c)
	}
	clock.advance(4 * time.Second)
	storeBeat(t, s, 1, 5, 50) // requests restarted from 0; commits grew by 20
	if r, c := s.StoreLoad(1); r != 0 || c != 5 {
		t.Fatalf("after a restart: %v, %v; want 0, 5", r, c)
	}
	if r, c := s.StoreLoad(77); r != 0 || c != 0 {
		t.Fatalf("unknown store: %v, %v", r, c)
	}
}

// StoreHealth follows the heartbeats and the store's state.
func TestStoreHealth(t *testing.T) {
	clock := &testClock{t: time.Unix(1_700_000_000, 0)}
	ts := startServer(t, Config{Now: clock.now, MaxStoreDownTime: time.Minute})
	ts.bootstrap()
	s := ts.s
	storeBeat(t, s, 1, 0, 0)
	steps := []struct {
		after time.Duration
		want  string
	}{{0, HealthUp}, {StoreDisconnectWindow + time.Second, HealthDisconnected}, {time.Minute, HealthDown}}
	beat := clock.now()
	for _, st := range steps {
		clock.advance(st.after)
		if got := s.StoreHealth(1); got != st.want {
			t.Fatalf("after %v more: %q, want %q", st.after, got, st.want)
		}
		// GetStore answers the same health and when the last heartbeat came (for tinykv-ctl stores).
		resp, err := s.GetStore(ctx(t), &pb.GetStoreRequest{StoreId: 1})
		if err != nil || resp.GetHealth() != st.want || resp.GetLastHeartbeatUnixMs() != beat.UnixMilli() {
			t.Fatalf("GetStore after %v more: health %q, last heartbeat %d, %v; want %q, %d", st.after,
				resp.GetHealth(), resp.GetLastHeartbeatUnixMs(), err, st.want, beat.UnixMilli())
		}
	}
	storeBeat(t, s, 1, 0, 0)
	if got := s.StoreHealth(1); got != HealthUp {
		t.Fatalf("after a heartbeat: %q", got)
	}
	if _, err := s.SetStoreState(ctx(t), &pb.SetStoreStateRequest{StoreId: 1, State: metapb.StoreState_Offline}); err != nil {
		t.Fatal(err)
	}
	if got := s.StoreHealth(1); got != HealthOffline {
		t.Fatalf("offline store: %q", got)
	}
	if err := s.cluster.SetStoreState(1, metapb.StoreState_Tombstone); err != nil {
		t.Fatal(err)
	}
	if got := s.StoreHealth(1); got != HealthTombstone {
		t.Fatalf("tombstone store: %q", got)
	}
	if got := s.StoreHealth(42); got != "" {
		t.Fatalf("unknown store: %q", got)
	}
}
