package gee

import (
	"testing"

	"github.com/gee-project/gee/bench/kv/raftcmp"
)

func TestReplicates(t *testing.T) { raftcmp.CheckReplicates(t, newGeeCluster) }

func BenchmarkRaftProposal(b *testing.B) { raftcmp.BenchProposals(b, "gee", newGeeCluster) }
