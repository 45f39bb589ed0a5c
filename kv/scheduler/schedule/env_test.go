package schedule

import (
	"slices"
	"testing"
	"time"
)

func TestStoreOrderings(t *testing.T) {
	f := newFixture(t, Config{})
	f.addStores(1, 2, 3, 4)
	f.fill(901, 2, 30)
	f.fill(902, 3, 10)
	f.fill(903, 4, 30)
	stores := usableStores(f.c, f.env)
	setScores(stores, storeView.regionScore)
	var heavy, light []uint64
	for s := range heaviestFirst(stores) {
		heavy = append(heavy, s.id())
	}
	for s := range lightestFirst(stores) {
		light = append(light, s.id())
		if len(light) == 2 {
			break // the iterator must stop when asked
		}
	}
	if want := []uint64{2, 4, 3, 1}; !slices.Equal(heavy, want) {
		t.Fatalf("heaviest first: %v, want %v", heavy, want)
	}
	if want := []uint64{1, 3}; !slices.Equal(light, want) {
		t.Fatalf("lightest first: %v, want %v", light, want)
	}
}

func TestStoreSilenceCountsFromStart(t *testing.T) {
	f := newFixture(t, Config{MaxStoreDownTime: time.Hour})
	f.addStores(1)
	f.env.Started = f.now.Add(30 * time.Minute) // the scheduler restarted half an hour after the last heartbeat
	f.advance(80 * time.Minute)
	s := f.c.GetStore(1)
	if f.env.isDown(s) {
		t.Fatal("store counted down for silence from before the scheduler started")
	}
	f.advance(11 * time.Minute)
	if !f.env.isDown(f.c.GetStore(1)) {
		t.Fatal("store silent for over an hour since the start is not down")
	}
}
