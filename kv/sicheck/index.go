package sicheck

import "sort"

type keyValue struct{ key, value string }

// writeRef locates one write: its transaction and whether it was the transaction's last write
// to the key (the version others may see).
type writeRef struct {
	txn   *Txn
	final bool
}

// version is one committed version of a key, placed by its commit_ts.
type version struct {
	commit uint64
	txn    *Txn
	del    bool
}

// index is a history prepared for the checks.
type index struct {
	txns   []*Txn
	writer map[keyValue]writeRef
	// known holds the transactions known to have committed: committed ones, and undetermined
	// ones some other transaction read from.
	known map[*Txn]bool
	// versions are, per key, the final writes of known-committed transactions with a known
	// commit_ts, oldest first.
	versions map[string][]version
	// unplacedDeletes are, per key, the undetermined transactions whose last write deleted the
	// key and that have no place among versions: an absent read may be their doing.
	unplacedDeletes map[string][]*Txn
}

func newIndex(h []Txn) *index {
	ix := &index{writer: make(map[keyValue]writeRef), known: make(map[*Txn]bool), versions: make(map[string][]version), unplacedDeletes: make(map[string][]*Txn)}
	for i := range h {
		t := &h[i]
		ix.txns = append(ix.txns, t)
		last := lastWrites(t)
		for j, w := range t.Writes {
			if !w.Delete {
				ix.writer[keyValue{w.Key, w.Value}] = writeRef{txn: t, final: last[w.Key] == j}
			}
		}
		if t.Status == Committed {
			ix.known[t] = true
		}
	}
	for _, t := range ix.txns {
		for _, r := range t.Reads {
			if w, ok := ix.readFrom(t, r); ok && w.txn.Status == Undetermined {
				ix.known[w.txn] = true
			}
		}
	}
	for _, t := range ix.txns {
		placed := ix.known[t] && t.Commit != 0
		for k, j := range lastWrites(t) {
			switch {
			case placed:
				ix.versions[k] = append(ix.versions[k], version{commit: t.Commit, txn: t, del: t.Writes[j].Delete})
			case t.Status == Undetermined && t.Writes[j].Delete:
				ix.unplacedDeletes[k] = append(ix.unplacedDeletes[k], t)
			}
		}
	}
	for _, vs := range ix.versions {
		sort.Slice(vs, func(a, b int) bool { return vs[a].commit < vs[b].commit })
	}
	return ix
}

// lastWrites maps each key a transaction wrote to the position of its last write.
func lastWrites(t *Txn) map[string]int {
	last := make(map[string]int, len(t.Writes))
	for j, w := range t.Writes {
		last[w.Key] = j
	}
	return last
}

// readFrom names the write another transaction made that read r saw; ok is false for absent
// keys, unknown values and the reader's own values.
func (ix *index) readFrom(reader *Txn, r Read) (writeRef, bool) {
	if !r.Found {
		return writeRef{}, false
	}
	w, ok := ix.writer[keyValue{r.Key, r.Value}]
	if !ok || w.txn == reader {
		return writeRef{}, false
	}
	return w, true
}

// visible is the newest known version of key with commit_ts ≤ ts, or nil when none.
func (ix *index) visible(key string, ts uint64) *version {
	vs := ix.versions[key]
	i := sort.Search(len(vs), func(i int) bool { return vs[i].commit > ts })
	if i == 0 {
		return nil
	}
	return &vs[i-1]
}

// mayHaveDeleted reports whether an undetermined transaction might have deleted key after
// the version committed at after and by ts.
func (ix *index) mayHaveDeleted(key string, after, ts uint64) bool {
	for _, d := range ix.unplacedDeletes[key] {
		if d.Commit == 0 && d.Start < ts || d.Commit > after && d.Commit <= ts {
			return true
		}
	}
	return false
}
