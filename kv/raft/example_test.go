package raft_test

import (
	"fmt"

	"github.com/gee-project/gee/kv/raft"
)

// A single-node cluster driven through the Ready contract.
func ExampleRawNode() {
	storage := raft.NewMemoryStorage(1)
	rn, err := raft.NewRawNode(&raft.Config{ID: 1, ElectionTick: 10, HeartbeatTick: 1,
		Storage: storage, MaxSizePerMsg: 1 << 20, MaxInflightMsgs: 256, Logger: raft.DiscardLogger{}})
	if err != nil {
		panic(err)
	}
	_ = rn.Campaign()
	handle := func() {
		for rn.HasReady() {
			rd := rn.Ready()
			_ = storage.Append(rd.Entries) // 1. persist
			if rd.HardState != nil {
				_ = storage.SetHardState(rd.HardState)
			}
			// 2. send rd.Messages (none: single node)
			for _, e := range rd.CommittedEntries { // 3. apply
				if len(e.Data) > 0 {
					fmt.Printf("applied %q at index %d\n", e.Data, e.Index)
				}
			}
			rn.Advance(rd) // 4. advance
		}
	}
	handle()
	_ = rn.Propose([]byte("hello"))
	handle()
	fmt.Println("leader:", rn.Status().SoftState.RaftState)
	// Output:
	// applied "hello" at index 3
	// leader: StateLeader
}
