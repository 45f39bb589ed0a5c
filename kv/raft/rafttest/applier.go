package rafttest

import "fmt"

// applyQueued is the delayed applier of an AsyncApply node: it applies
// up to batches queued items in order, then reports the applied index to
// raft with AdvanceApplied, as an apply goroutine's result would arrive.
func (c *Cluster) applyQueued(n *node, batches int) error {
	if batches == 0 || len(n.queue) == 0 {
		return nil
	}
	batches = min(batches, len(n.queue))
	for _, it := range n.queue[:batches] {
		var idx uint64
		if it.snap != nil {
			if err := n.loadSnapshot(it.snap); err != nil {
				return err
			}
			idx = it.snap.GetMetadata().GetIndex()
		} else {
			if err := c.applyEntries(n, it.ents); err != nil {
				return err
			}
			idx = it.ents[len(it.ents)-1].Index
		}
		if err := n.rn.AdvanceApplied(idx); err != nil {
			return fmt.Errorf("node %d AdvanceApplied(%d): %w", n.id, idx, err)
		}
		if st := n.rn.Status(); st.Applied != idx {
			return fmt.Errorf("node %d: raft applied %d after the applier reported %d", n.id, st.Applied, idx)
		}
	}
	n.queue = n.queue[batches:]
	return c.afterApply(n)
}
