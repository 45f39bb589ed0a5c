package eviction

// sketch is a count-min sketch of 4 rows with counters saturating at 15.
// After sampleFactor×width increments every counter is halved, so the
// estimate tracks recent popularity rather than all-time counts.
type sketch struct {
	rows      [4][]uint8
	mask      uint64
	additions int
	sample    int
}

var sketchSeeds = [4]uint64{0x9e3779b97f4a7c15, 0xbf58476d1ce4e5b9, 0x94d049bb133111eb, 0xd6e8feb86659fd93}

// sampleFactor×width increments between halvings; counterMax saturates.
const (
	sampleFactor       = 10
	counterMax   uint8 = 15
)

func newSketch(width int) *sketch {
	w := 16
	for w < width {
		w <<= 1
	}
	s := &sketch{mask: uint64(w - 1), sample: sampleFactor * w}
	for i := range s.rows {
		s.rows[i] = make([]uint8, w)
	}
	return s
}

func (s *sketch) width() int { return len(s.rows[0]) }

func (s *sketch) index(h uint64, row int) uint64 {
	x := (h ^ h>>29) * sketchSeeds[row]
	return (x ^ x>>32) & s.mask
}

// estimate returns the minimum counter of the key's cells.
func (s *sketch) estimate(h uint64) uint8 {
	m := counterMax
	for r := range s.rows {
		if c := s.rows[r][s.index(h, r)]; c < m {
			m = c
		}
	}
	return m
}

// increment adds one to the key's smallest cells (conservative update).
func (s *sketch) increment(h uint64) {
	m := s.estimate(h)
	if m >= counterMax {
		return
	}
	for r := range s.rows {
		if c := &s.rows[r][s.index(h, r)]; *c == m {
			*c++
		}
	}
	s.additions++
	if s.additions >= s.sample {
		s.age()
	}
}

func (s *sketch) age() {
	for r := range s.rows {
		row := s.rows[r]
		for i := range row {
			row[i] >>= 1
		}
	}
	s.additions /= 2
}
