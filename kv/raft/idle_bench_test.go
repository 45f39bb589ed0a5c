package raft

import (
	"fmt"
	"testing"

	pb "github.com/gee-project/gee/kv/raft/raftpb"
)

// idleGroup is one 3-replica group in process, for measuring what idle
// groups cost a host. Replica i has id i+1.
type idleGroup struct {
	nodes  [3]*RawNode
	stores [3]*MemoryStorage
	queue  []*pb.Message
}

func newIdleGroup(tb testing.TB, hibernate bool) *idleGroup {
	g := &idleGroup{}
	for i := range g.nodes {
		g.stores[i] = NewMemoryStorage(1, 2, 3)
		cfg := testConfig(uint64(i+1), g.stores[i])
		cfg.HeartbeatTick, cfg.MaxInflightMsgs = 2, 16
		cfg.CheckQuorum, cfg.PreVote, cfg.Hibernate = true, true, hibernate
		rn, err := NewRawNode(cfg)
		if err != nil {
			tb.Fatal(err)
		}
		g.nodes[i] = rn
	}
	_ = g.nodes[0].Campaign()
	g.settle()
	return g
}

// settle handles Readys and delivers messages until the group is quiet.
func (g *idleGroup) settle() {
	for busy := true; busy; {
		busy = false
		for i, rn := range g.nodes {
			if !rn.HasReady() {
				continue
			}
			busy = true
			rd := rn.Ready()
			_ = g.stores[i].Append(rd.Entries)
			if rd.HardState != nil {
				_ = g.stores[i].SetHardState(rd.HardState)
			}
			g.queue = append(g.queue, rd.Messages...)
			rn.Advance(rd)
		}
		for len(g.queue) > 0 {
			busy = true
			m := g.queue[0]
			g.queue = g.queue[1:]
			_ = g.nodes[m.To-1].Step(m)
		}
		g.queue = g.queue[:0]
	}
}

// idleGroups caches the groups of each mode across benchmark runs.
var idleGroups = map[bool][]*idleGroup{}

func idleGroupsFor(b *testing.B, n int, hibernate bool) []*idleGroup {
	gs := idleGroups[hibernate]
	for len(gs) < n {
		gs = append(gs, newIdleGroup(b, hibernate))
	}
	idleGroups[hibernate] = gs
	// Let them reach their idle steady state (quiet, if hibernating).
	for range 3 {
		for _, g := range gs[:n] {
			for _, rn := range g.nodes {
				rn.Tick()
			}
			g.settle()
		}
	}
	return gs[:n]
}

// BenchmarkIdleGroups measures one host tick round over n idle 3-replica
// groups (3n RawNodes in process: ticks, Readys, heartbeat delivery).
// awake: no hibernation, every replica ticks and leaders heartbeat;
// hibernated: the host ticks only nodes that are not quiet (none);
// hibernated-tick-all: a host that keeps ticking quiet nodes anyway.
// ns/group is the cost of one group per tick interval.
func BenchmarkIdleGroups(b *testing.B) {
	const n = 10_000
	for _, mode := range []string{"awake", "hibernated", "hibernated-tick-all"} {
		b.Run(fmt.Sprintf("groups=%d/%s", n, mode), func(b *testing.B) {
			hibernate := mode != "awake"
			gs := idleGroupsFor(b, n, hibernate)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				for _, g := range gs {
					ticked := false
					for _, rn := range g.nodes {
						if mode != "hibernated-tick-all" && rn.Hibernated() {
							continue
						}
						rn.Tick()
						ticked = true
					}
					if ticked {
						g.settle()
					}
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/group")
			if hibernate {
				for _, g := range gs {
					if !g.nodes[0].Hibernated() || g.nodes[0].BasicStatus().SoftState.RaftState != StateLeader {
						b.Fatal("a group woke up or lost its leader while idle")
					}
				}
			}
		})
	}
}
