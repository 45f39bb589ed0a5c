package eviction

// sketch is a count-min sketch with four 4-bit counters per key, all in
// one 64-byte block (eight uint64 words) so an update touches a single
// cache line. Counters saturate at 15; after sampleFactor×(counters/4)
// increments every counter is halved, so the estimate tracks recent
// popularity rather than all-time counts.
type sketch struct {
	table     []uint64 // len is a multiple of 8; blocks of 8 words
	blockMask uint64
	additions int
	sample    int
}

const sampleFactor = 10

// newSketch sizes the table for about width distinct keys (16 counters
// per word, 4 per key).
func newSketch(width int) *sketch {
	words := 8
	for words*4 < width {
		words <<= 1
	}
	return &sketch{table: make([]uint64, words), blockMask: uint64(words/8 - 1), sample: sampleFactor * words * 4}
}

// width is the number of keys the sketch is sized for.
func (s *sketch) width() int { return len(s.table) * 4 }

// slot returns, for counter i of key h, the word index and bit shift.
func (s *sketch) slot(h uint64, i int) (int, uint) {
	block := (h * 0x9e3779b97f4a7c15 >> 20) & s.blockMask
	sel := h >> (8 * i) // a byte of the hash per counter
	word := int(block*8) + i*2 + int(sel&1)
	shift := uint((sel>>1)&15) * 4
	return word, shift
}

func (s *sketch) estimate(h uint64) uint8 {
	m := uint8(15)
	for i := 0; i < 4; i++ {
		w, sh := s.slot(h, i)
		if c := uint8(s.table[w]>>sh) & 15; c < m {
			m = c
		}
	}
	return m
}

// increment adds one to the key's smallest counters (conservative update).
func (s *sketch) increment(h uint64) {
	m := s.estimate(h)
	if m >= 15 {
		return
	}
	for i := 0; i < 4; i++ {
		w, sh := s.slot(h, i)
		if uint8(s.table[w]>>sh)&15 == m {
			s.table[w] += 1 << sh
		}
	}
	s.additions++
	if s.additions >= s.sample {
		s.age()
	}
}

// age halves every counter: shift each word right by one and clear the
// bit that crossed into the neighbouring nibble.
func (s *sketch) age() {
	for i, w := range s.table {
		s.table[i] = (w >> 1) & 0x7777777777777777
	}
	s.additions /= 2
}
