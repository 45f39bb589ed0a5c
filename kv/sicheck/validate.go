package sicheck

import "fmt"

// validate rejects histories the checker cannot judge: repeated IDs, missing timestamps,
// impossible commit timestamps and values written twice to one key.
func validate(h []Txn) error {
	ids := make(map[int]bool, len(h))
	written := make(map[keyValue]int)
	for i := range h {
		t := &h[i]
		if ids[t.ID] {
			return fmt.Errorf("sicheck: txn id %d appears twice", t.ID)
		}
		ids[t.ID] = true
		if t.Start == 0 {
			return fmt.Errorf("sicheck: txn %d has start_ts 0", t.ID)
		}
		switch t.Status {
		case Committed, Aborted, Undetermined:
		default:
			return fmt.Errorf("sicheck: txn %d has unknown status %d", t.ID, int(t.Status))
		}
		if t.Status != Aborted && len(t.Writes) > 0 && t.Commit != 0 && t.Commit <= t.Start {
			return fmt.Errorf("sicheck: txn %d has commit_ts %d not above its start_ts %d", t.ID, t.Commit, t.Start)
		}
		if t.Status == Committed && len(t.Writes) > 0 && t.Commit == 0 {
			return fmt.Errorf("sicheck: committed txn %d wrote keys but has no commit_ts", t.ID)
		}
		for _, w := range t.Writes {
			if w.Delete {
				continue
			}
			kv := keyValue{w.Key, w.Value}
			if other, dup := written[kv]; dup {
				return fmt.Errorf("sicheck: value %q written to key %q by txn %d and again by txn %d; values must be unique per key", w.Value, w.Key, other, t.ID)
			}
			written[kv] = t.ID
		}
	}
	return nil
}
