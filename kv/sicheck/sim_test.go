package sicheck

import (
	"fmt"
	"math/rand"
	"sort"
)

// simConfig shapes a simulated history.
type simConfig struct {
	txns, keys, maxActive int
	// noFirstCommitterWins lets conflicting writers commit (a broken store).
	noFirstCommitterWins bool
	// undetermined reports some outcomes as undetermined.
	undetermined bool
	// unknownCommitTS drops the commit_ts of some undetermined txns.
	unknownCommitTS bool
}

// simVersion is one committed version in the simulated store.
type simVersion struct {
	commit uint64
	value  string
	del    bool
}

// simStore is a correct multi-version snapshot-isolation store with a logical clock.
type simStore struct {
	clock    uint64
	versions map[string][]simVersion // commit order
}

func (s *simStore) tick() uint64 { s.clock++; return s.clock }

func (s *simStore) read(key string, ts uint64) Read {
	vs := s.versions[key]
	for i := len(vs) - 1; i >= 0; i-- {
		if vs[i].commit <= ts {
			if vs[i].del {
				return Read{Key: key}
			}
			return Read{Key: key, Value: vs[i].value, Found: true}
		}
	}
	return Read{Key: key}
}

func (s *simStore) conflicts(t *Txn) bool {
	for _, w := range t.Writes {
		vs := s.versions[w.Key]
		if len(vs) > 0 && vs[len(vs)-1].commit > t.Start {
			return true
		}
	}
	return false
}

// simulate runs cfg.txns interleaved transactions against a simStore and returns what their
// clients observed. conflicts counts commits that broke first-committer-wins.
func simulate(rng *rand.Rand, cfg simConfig) (h []Txn, conflicts int) {
	s := &simStore{versions: make(map[string][]simVersion)}
	var active []*Txn
	started := 0
	for started < cfg.txns || len(active) > 0 {
		if started < cfg.txns && (len(active) == 0 || len(active) < cfg.maxActive && rng.Intn(3) == 0) {
			active = append(active, &Txn{ID: started, Start: s.tick()})
			started++
			continue
		}
		i := rng.Intn(len(active))
		t := active[i]
		key := fmt.Sprintf("k%d", rng.Intn(cfg.keys))
		switch op := rng.Intn(10); {
		case op < 4:
			if !wroteKey(t, key) {
				t.Reads = append(t.Reads, s.read(key, t.Start))
			}
		case op < 7:
			w := Write{Key: key, Value: fmt.Sprintf("t%d.%d", t.ID, len(t.Writes))}
			if rng.Intn(8) == 0 {
				w = Write{Key: key, Delete: true}
			}
			t.Writes = append(t.Writes, w)
		default:
			if finish(rng, s, t, cfg) {
				conflicts++
			}
			h = append(h, *t)
			active = append(active[:i], active[i+1:]...)
		}
	}
	return h, conflicts
}

func wroteKey(t *Txn, key string) bool {
	for _, w := range t.Writes {
		if w.Key == key {
			return true
		}
	}
	return false
}

// finish commits or aborts t and sets what its client reports; it returns whether the commit
// broke first-committer-wins.
func finish(rng *rand.Rand, s *simStore, t *Txn, cfg simConfig) (conflicted bool) {
	if len(t.Writes) == 0 {
		t.Status = Committed
		return false
	}
	conflict := s.conflicts(t)
	if rng.Intn(10) == 0 || conflict && !cfg.noFirstCommitterWins {
		t.Status = Aborted
		if cfg.undetermined && rng.Intn(4) == 0 {
			t.Status, t.Commit = Undetermined, s.tick() // commit_ts taken, commit lost
		}
		return false
	}
	t.Commit, t.Status = s.tick(), Committed
	last := lastWrites(t)
	keys := make([]string, 0, len(last))
	for k := range last {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		w := t.Writes[last[k]]
		s.versions[k] = append(s.versions[k], simVersion{commit: t.Commit, value: w.Value, del: w.Delete})
	}
	if cfg.undetermined && rng.Intn(5) == 0 {
		t.Status = Undetermined
		if cfg.unknownCommitTS && rng.Intn(2) == 0 {
			t.Commit = 0
		}
	}
	return conflict
}
