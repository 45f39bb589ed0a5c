package sicheck

import (
	"math/rand"
	"testing"
	"time"
)

var validConfigs = []simConfig{
	{txns: 300, keys: 4, maxActive: 6, undetermined: true, unknownCommitTS: true},
	{txns: 300, keys: 20, maxActive: 10, undetermined: true, unknownCommitTS: true},
	{txns: 200, keys: 2, maxActive: 3},
}

// TestSimulatedSIHistoriesAreClean: histories of a correct SI store never report anomalies.
func TestSimulatedSIHistoriesAreClean(t *testing.T) {
	for seed := int64(1); seed <= 60; seed++ {
		for _, cfg := range validConfigs {
			h, _ := simulate(rand.New(rand.NewSource(seed)), cfg)
			as, err := Check(h)
			if err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			if len(as) > 0 {
				t.Fatalf("seed %d cfg %+v: %d anomalies, first %v", seed, cfg, len(as), as[0])
			}
		}
	}
}

// TestBrokenFirstCommitterWinsIsCaught: a store that lets concurrent writers both commit
// produces G0 (and usually lost updates) whenever it happened.
func TestBrokenFirstCommitterWinsIsCaught(t *testing.T) {
	broken := 0
	for seed := int64(1); seed <= 40; seed++ {
		h, conflicts := simulate(rand.New(rand.NewSource(seed)), simConfig{txns: 100, keys: 3, maxActive: 5, noFirstCommitterWins: true})
		as, err := Check(h)
		if err != nil {
			t.Fatal(err)
		}
		if conflicts == 0 {
			continue
		}
		broken++
		if Kinds(as)[G0] == 0 {
			t.Fatalf("seed %d: %d conflicting commits but no G0 in %v", seed, conflicts, as)
		}
	}
	if broken == 0 {
		t.Fatal("no seed produced a conflicting commit; the test checks nothing")
	}
}

// mutation changes one read of a valid history into a wrong one and names the kind expected.
type mutation struct {
	name  string
	apply func(rng *rand.Rand, h []Txn) bool
	want  Kind
}

var mutations = []mutation{
	{"read an aborted value", mutateRead(func(_ []Txn, _ *Txn, _ Read, w *Txn, _ int) bool {
		return w.Status == Aborted
	}), G1a},
	{"read an intermediate value", mutateRead(func(_ []Txn, reader *Txn, _ Read, w *Txn, wi int) bool {
		return w.Status == Committed && !isFinal(w, wi) && w.Commit <= reader.Start
	}), G1b},
	{"read from the future", mutateRead(func(_ []Txn, reader *Txn, _ Read, w *Txn, wi int) bool {
		return w.Status == Committed && isFinal(w, wi) && w.Commit > reader.Start
	}), ReadSkew},
	{"read a stale version", mutateRead(func(h []Txn, reader *Txn, r Read, w *Txn, wi int) bool {
		cur := writerOf(h, r)
		return cur != nil && cur.Status == Committed && w.Status == Committed && isFinal(w, wi) && w.Commit < cur.Commit
	}), ReadSkew},
	{"read garbage", func(rng *rand.Rand, h []Txn) bool {
		r := pickFoundRead(rng, h)
		if r == nil {
			return false
		}
		r.Value = "never written"
		return true
	}, GarbageRead},
}

// TestMutatedHistoriesAreCaught: each mutation of a clean simulated history is reported.
func TestMutatedHistoriesAreCaught(t *testing.T) {
	for _, m := range mutations {
		applied := 0
		for seed := int64(1); seed <= 40; seed++ {
			rng := rand.New(rand.NewSource(seed))
			h, _ := simulate(rng, simConfig{txns: 150, keys: 5, maxActive: 6, undetermined: true})
			if !m.apply(rng, h) {
				continue
			}
			applied++
			as, err := Check(h)
			if err != nil {
				t.Fatalf("%s seed %d: %v", m.name, seed, err)
			}
			if Kinds(as)[m.want] == 0 {
				t.Fatalf("%s seed %d: want %s, got %v", m.name, seed, m.want, as)
			}
		}
		if applied < 10 {
			t.Fatalf("%s: applied to only %d of 40 histories", m.name, applied)
		}
	}
}

// mutateRead points one read at another txn's write that fits, both chosen at random.
func mutateRead(fits func(h []Txn, reader *Txn, r Read, w *Txn, wi int) bool) func(*rand.Rand, []Txn) bool {
	return func(rng *rand.Rand, h []Txn) bool {
		for _, ri := range rng.Perm(len(h)) {
			reader := &h[ri]
			for _, j := range rng.Perm(len(reader.Reads)) {
				r := &reader.Reads[j]
				for _, wi := range rng.Perm(len(h)) {
					w := &h[wi]
					if w == reader {
						continue
					}
					for k, wr := range w.Writes {
						if wr.Key == r.Key && !wr.Delete && wr.Value != r.Value && fits(h, reader, *r, w, k) {
							r.Value, r.Found = wr.Value, true
							return true
						}
					}
				}
			}
		}
		return false
	}
}

func isFinal(t *Txn, wi int) bool { return lastWrites(t)[t.Writes[wi].Key] == wi }

// writerOf is the txn whose write read r saw, or nil.
func writerOf(h []Txn, r Read) *Txn {
	for i := range h {
		for _, w := range h[i].Writes {
			if r.Found && !w.Delete && w.Key == r.Key && w.Value == r.Value {
				return &h[i]
			}
		}
	}
	return nil
}

func pickFoundRead(rng *rand.Rand, h []Txn) *Read {
	for _, i := range rng.Perm(len(h)) {
		for j := range h[i].Reads {
			if h[i].Reads[j].Found {
				return &h[i].Reads[j]
			}
		}
	}
	return nil
}

// TestLargeHistoryIsQuick: a bank-sized history (20k txns) is checked in well under a second
// or two, so the cluster tests can check every run.
func TestLargeHistoryIsQuick(t *testing.T) {
	h, _ := simulate(rand.New(rand.NewSource(7)), simConfig{txns: 20000, keys: 100, maxActive: 16, undetermined: true, unknownCommitTS: true})
	start := time.Now()
	as, err := Check(h)
	if err != nil {
		t.Fatal(err)
	}
	if len(as) > 0 {
		t.Fatalf("%d anomalies, first %v", len(as), as[0])
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("checking %d txns took %v", len(h), d)
	}
}
