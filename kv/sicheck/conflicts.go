package sicheck

import "fmt"

// checkOverlaps reports G0: per key, two placed versions whose writers ran concurrently.
func (ix *index) checkOverlaps() []Anomaly {
	var out []Anomaly
	for _, key := range sortedKeys(ix.versions) {
		vs := ix.versions[key]
		for j := range vs {
			later := vs[j].txn
			for i := 0; i < j; i++ {
				if later.Start < vs[i].commit {
					out = append(out, Anomaly{G0, []int{vs[i].txn.ID, later.ID}, []string{key}, fmt.Sprintf(
						"txn %d (start %d) committed over txn %d's version committed at %d after it started",
						later.ID, later.Start, vs[i].txn.ID, vs[i].commit)})
				}
			}
		}
	}
	return out
}

// checkLostUpdates reports known-committed transactions that read the same version of a key
// and all wrote it.
func (ix *index) checkLostUpdates() []Anomaly {
	type group struct {
		key     string
		version string
	}
	groups := make(map[group][]int)
	var order []group
	for _, t := range ix.txns {
		if !ix.known[t] {
			continue
		}
		wrote := lastWrites(t)
		seen := make(map[string]bool)
		for _, r := range t.Reads {
			if _, ok := wrote[r.Key]; !ok || seen[r.Key] {
				continue
			}
			v, ok := ix.versionRead(t, r)
			if !ok {
				continue
			}
			seen[r.Key] = true
			g := group{r.Key, v}
			if len(groups[g]) == 0 {
				order = append(order, g)
			}
			groups[g] = append(groups[g], t.ID)
		}
	}
	var out []Anomaly
	for _, g := range order {
		if ids := groups[g]; len(ids) > 1 {
			out = append(out, Anomaly{LostUpdate, ids, []string{g.key}, fmt.Sprintf(
				"txns %v all read %s and all wrote the key", ids, g.version)})
		}
	}
	return out
}

// versionRead names the version read r saw: its writer, or for an absent key the version
// that made it absent at the reader's start_ts. ok is false for the reader's own values and
// for absent keys an undetermined delete may explain.
func (ix *index) versionRead(t *Txn, r Read) (string, bool) {
	if r.Found {
		w, ok := ix.writer[keyValue{r.Key, r.Value}]
		if !ok {
			return fmt.Sprintf("unknown value %q", r.Value), true
		}
		if w.txn == t {
			return "", false
		}
		return fmt.Sprintf("txn %d's value %q", w.txn.ID, r.Value), true
	}
	exp := ix.visible(r.Key, t.Start)
	after := uint64(0)
	if exp != nil {
		after = exp.commit
	}
	if ix.mayHaveDeleted(r.Key, after, t.Start) {
		return "", false // which delete the reader saw is unknown
	}
	if exp != nil {
		return fmt.Sprintf("absent after txn %d's version", exp.txn.ID), true
	}
	return "absent (never written)", true
}
