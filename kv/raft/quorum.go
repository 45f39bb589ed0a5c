package raft

import (
	"math"
	"slices"
)

// majority is one voter set, sorted. A joint configuration has two; an
// empty set agrees to everything, so a non-joint configuration is simply
// the pair (voters, empty).
type majority []uint64

func (c majority) quorum() int { return len(c)/2 + 1 }

// contains reports whether id is a voter of c.
func (c majority) contains(id uint64) bool { return containsSorted(c, id) }

// committedIndex is the highest value (pick of each voter's Progress, e.g.
// Match) that a majority of c reached. buf is scratch space; pick is a
// plain function so nothing allocates. An empty set returns MaxUint64 so
// that the other half of a joint pair decides.
func (c majority) committedIndex(prs map[uint64]*Progress, pick func(*Progress) uint64, buf *[]uint64) uint64 {
	if len(c) == 0 {
		return math.MaxUint64
	}
	b := (*buf)[:0]
	for _, id := range c {
		var v uint64
		if pr := prs[id]; pr != nil {
			v = pick(pr)
		}
		b = append(b, v)
	}
	slices.Sort(b)
	*buf = b
	return b[len(b)-c.quorum()]
}

// voteResult tallies yes/no answers from c's voters (others are ignored).
func (c majority) voteResult(votes map[uint64]bool) voteResult {
	if len(c) == 0 {
		return voteWon
	}
	yes, missing := 0, 0
	for _, id := range c {
		v, ok := votes[id]
		switch {
		case !ok:
			missing++
		case v:
			yes++
		}
	}
	q := c.quorum()
	switch {
	case yes >= q:
		return voteWon
	case yes+missing >= q:
		return votePending
	}
	return voteLost
}

// jointMajority is the pair (incoming, outgoing) of voter sets; decisions
// need both (Raft thesis §4.3, joint consensus).
type jointMajority [2]majority

func (j jointMajority) committedIndex(prs map[uint64]*Progress, pick func(*Progress) uint64, buf *[]uint64) uint64 {
	return min(j[0].committedIndex(prs, pick, buf), j[1].committedIndex(prs, pick, buf))
}

func matchOf(pr *Progress) uint64 { return pr.Match }

func leaseStampOf(pr *Progress) uint64 { return pr.leaseStamp }

func (j jointMajority) voteResult(votes map[uint64]bool) voteResult {
	r0, r1 := j[0].voteResult(votes), j[1].voteResult(votes)
	switch {
	case r0 == r1:
		return r0
	case r0 == voteLost || r1 == voteLost:
		return voteLost
	}
	return votePending
}

func (j jointMajority) contains(id uint64) bool { return j[0].contains(id) || j[1].contains(id) }
