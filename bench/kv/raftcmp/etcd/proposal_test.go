package etcd

import (
	"testing"

	"github.com/gee-project/gee/bench/kv/raftcmp"
)

func TestReplicates(t *testing.T) { raftcmp.CheckReplicates(t, newEtcdCluster) }

func BenchmarkRaftProposal(b *testing.B) { raftcmp.BenchProposals(b, "etcd", newEtcdCluster) }
