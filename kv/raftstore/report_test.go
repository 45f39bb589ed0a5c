package raftstore

import (
	"testing"

	"github.com/gee-project/gee/kv/raft"
)

// TestPendingPeer: a follower is pending only while it needs a snapshot or trails the commit
// index by more than pendingLag; whether it answered since the last election tick does not
// matter (raft clears RecentActive on that tick, which made every follower look pending).
func TestPendingPeer(t *testing.T) {
	const trunc, commit = 100, 1000
	cases := []struct {
		name string
		pr   raft.Progress
		want bool
	}{
		{"caught up, RecentActive just cleared", raft.Progress{Match: commit, State: raft.StateReplicate}, false},
		{"trails by the window", raft.Progress{Match: commit - pendingLag, State: raft.StateReplicate, RecentActive: true}, false},
		{"trails by more", raft.Progress{Match: commit - pendingLag - 1, State: raft.StateReplicate, RecentActive: true}, true},
		{"new peer, nothing matched", raft.Progress{State: raft.StateProbe}, true},
		{"behind the truncated log", raft.Progress{Match: trunc - 1, State: raft.StateProbe}, true},
		{"receiving a snapshot", raft.Progress{Match: commit, State: raft.StateSnapshot}, true},
	}
	for _, c := range cases {
		if got := pendingPeer(c.pr, trunc, commit); got != c.want {
			t.Errorf("%s: pending = %v, want %v", c.name, got, c.want)
		}
	}
}
