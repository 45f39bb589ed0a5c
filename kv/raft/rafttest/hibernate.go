package rafttest

import "fmt"

// idleSpell reports whether the run is in a stretch without client work
// (every other 150 steps with Hibernate), so that groups go quiet.
func (c *Cluster) idleSpell() bool {
	return c.opts.Hibernate && (c.now/150)%2 == 1
}

// hostWake is the host seeing a store go down or become unreachable: it
// wakes the quiet nodes it hosts, usually. Sometimes it does not, so that
// waking by messages alone is exercised too.
func (c *Cluster) hostWake() {
	if !c.opts.Hibernate {
		return
	}
	for _, n := range c.live() {
		if n.rn.Hibernated() && c.rng.IntN(4) != 0 {
			n.rn.Wake()
			c.Stats.Wakes++
		}
	}
}

// checkHibernation counts leaders going quiet and checks that a quiet
// leader never claims a lease (its clock stopped).
func (c *Cluster) checkHibernation(n *node) error {
	if n.down {
		return nil
	}
	st := n.rn.BasicStatus()
	if st.Hibernated && st.LeaseValid {
		return fmt.Errorf("node %d: hibernated leader claims a valid lease", n.id)
	}
	if st.Hibernated && !n.quiet && st.SoftState.Lead == n.id {
		c.Stats.Hibernations++
	}
	n.quiet = st.Hibernated
	return nil
}
