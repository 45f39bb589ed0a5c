package core

import (
	"bytes"

	"github.com/google/btree"
)

// regionItem is a region's slot in the range index. A heartbeat that keeps the range swaps
// item.region in place, so it costs no tree operation at all.
type regionItem struct {
	region *RegionInfo
}

func itemLess(a, b *regionItem) bool {
	return bytes.Compare(a.region.StartKey(), b.region.StartKey()) < 0
}

// regionTree indexes non-overlapping regions by start key. Not goroutine-safe (Cluster locks).
type regionTree struct {
	t *btree.BTreeG[*regionItem]
}

func newRegionTree() *regionTree {
	return &regionTree{t: btree.NewG(32, itemLess)}
}

// probe builds a search key; only its start key is read by itemLess.
func probe(key []byte) *regionItem {
	return &regionItem{region: &RegionInfo{meta: probeMeta(key)}}
}

func (t *regionTree) insert(it *regionItem) { t.t.ReplaceOrInsert(it) }

func (t *regionTree) delete(it *regionItem) { t.t.Delete(it) }

func (t *regionTree) len() int { return t.t.Len() }

// find returns the item whose range contains key, or nil.
func (t *regionTree) find(key []byte) *regionItem {
	var found *regionItem
	t.t.DescendLessOrEqual(probe(key), func(it *regionItem) bool {
		found = it
		return false
	})
	if found == nil || !found.region.ContainsKey(key) {
		return nil
	}
	return found
}

// prev returns the item just before the one that starts at or contains key, or nil.
func (t *regionTree) prev(key []byte) *regionItem {
	cur := t.find(key)
	start := key
	if cur != nil {
		start = cur.region.StartKey()
	}
	var found *regionItem
	t.t.DescendLessOrEqual(probe(start), func(it *regionItem) bool {
		if bytes.Compare(it.region.StartKey(), start) < 0 {
			found = it
			return false
		}
		return true
	})
	return found
}

// overlaps returns the items intersecting [start, end); an empty end means unbounded.
func (t *regionTree) overlaps(start, end []byte) []*regionItem {
	var out []*regionItem
	if first := t.find(start); first != nil {
		out = append(out, first)
	}
	t.t.AscendGreaterOrEqual(probe(start), func(it *regionItem) bool {
		if len(end) > 0 && bytes.Compare(it.region.StartKey(), end) >= 0 {
			return false
		}
		if len(out) == 0 || out[0] != it {
			out = append(out, it)
		}
		return true
	})
	return out
}

// scan calls fn for the items from the one containing start (or the next one) in key order,
// while fn returns true and items start before end (empty end: unbounded).
func (t *regionTree) scan(start, end []byte, fn func(*regionItem) bool) {
	from := start
	if first := t.find(start); first != nil {
		from = first.region.StartKey()
	}
	t.t.AscendGreaterOrEqual(probe(from), func(it *regionItem) bool {
		if len(end) > 0 && bytes.Compare(it.region.StartKey(), end) >= 0 {
			return false
		}
		return fn(it)
	})
}
