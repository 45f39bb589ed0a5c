package core

import "math/rand/v2"

// regionSet is a set of region ids with O(1) add, remove and uniform random pick,
// so the schedulers' random region choice does not scan a store's regions.
type regionSet struct {
	ids []uint64
	pos map[uint64]int
}

func (s *regionSet) add(id uint64) {
	if s.pos == nil {
		s.pos = make(map[uint64]int)
	}
	if _, ok := s.pos[id]; ok {
		return
	}
	s.pos[id] = len(s.ids)
	s.ids = append(s.ids, id)
}

func (s *regionSet) remove(id uint64) {
	i, ok := s.pos[id]
	if !ok {
		return
	}
	last := len(s.ids) - 1
	s.ids[i] = s.ids[last]
	s.pos[s.ids[i]] = i
	s.ids = s.ids[:last]
	delete(s.pos, id)
}

func (s *regionSet) len() int { return len(s.ids) }

// random returns a uniformly chosen id, or 0 if the set is empty.
func (s *regionSet) random(rnd *rand.Rand) uint64 {
	if len(s.ids) == 0 {
		return 0
	}
	if rnd == nil {
		return s.ids[rand.IntN(len(s.ids))]
	}
	return s.ids[rnd.IntN(len(s.ids))]
}
