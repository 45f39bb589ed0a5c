package sicheck

import "fmt"

// checkReads judges every read of every transaction (aborted ones too: Percolator serves
// every read from the snapshot at start_ts) against the snapshot at the reader's start_ts.
func (ix *index) checkReads() []Anomaly {
	var out []Anomaly
	for _, t := range ix.txns {
		for _, r := range t.Reads {
			if a, bad := ix.checkRead(t, r); bad {
				out = append(out, a)
			}
		}
	}
	return out
}

func (ix *index) checkRead(t *Txn, r Read) (Anomaly, bool) {
	keys := []string{r.Key}
	exp := ix.visible(r.Key, t.Start)
	if !r.Found {
		if exp != nil && !exp.del && !ix.mayHaveDeleted(r.Key, exp.commit, t.Start) {
			return Anomaly{ReadSkew, []int{t.ID, exp.txn.ID}, keys, fmt.Sprintf(
				"read absent at start_ts %d but txn %d committed a value at %d", t.Start, exp.txn.ID, exp.commit)}, true
		}
		return Anomaly{}, false
	}
	w, ok := ix.writer[keyValue{r.Key, r.Value}]
	if !ok {
		return Anomaly{GarbageRead, []int{t.ID}, keys, fmt.Sprintf("read %q, which no txn wrote", r.Value)}, true
	}
	if w.txn == t {
		return Anomaly{}, false
	}
	ids := []int{t.ID, w.txn.ID}
	switch {
	case w.txn.Status == Aborted:
		return Anomaly{G1a, ids, keys, fmt.Sprintf("read %q written by aborted txn %d", r.Value, w.txn.ID)}, true
	case !w.final:
		return Anomaly{G1b, ids, keys, fmt.Sprintf("read %q, which txn %d overwrote itself", r.Value, w.txn.ID)}, true
	case w.txn.Commit > t.Start:
		return Anomaly{ReadSkew, ids, keys, fmt.Sprintf(
			"start_ts %d saw txn %d committed later at %d", t.Start, w.txn.ID, w.txn.Commit)}, true
	case w.txn.Start >= t.Start:
		return Anomaly{ReadSkew, ids, keys, fmt.Sprintf(
			"start_ts %d saw txn %d that started later at %d", t.Start, w.txn.ID, w.txn.Start)}, true
	case w.txn.Commit != 0 && exp != nil && exp.txn != w.txn:
		// w is a placed version ≤ start_ts, so exp is newer.
		return Anomaly{ReadSkew, []int{t.ID, w.txn.ID, exp.txn.ID}, keys, fmt.Sprintf(
			"start_ts %d saw txn %d (commit %d) but missed txn %d (commit %d)", t.Start, w.txn.ID, w.txn.Commit, exp.txn.ID, exp.commit)}, true
	}
	return Anomaly{}, false
}
