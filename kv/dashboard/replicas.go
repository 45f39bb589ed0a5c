package dashboard

import "net/http"

type replicasJSON struct {
	RegionCount int          `json:"region_count"`
	BucketSize  int          `json:"bucket_size"` // regions per bucket (the last may hold fewer)
	Stores      []uint64     `json:"stores"`      // column order of replicas and leaders
	Buckets     []bucketJSON `json:"buckets"`
}

// bucketJSON is a run of consecutive regions: how many replicas and leaders each store holds.
type bucketJSON struct {
	StartKey string `json:"start_key"` // of its first region
	EndKey   string `json:"end_key"`   // of its last region
	Regions  int    `json:"regions"`
	Replicas []int  `json:"replicas"` // per store, in Stores order
	Leaders  []int  `json:"leaders"`
}

func (h *handler) replicas(w http.ResponseWriter, r *http.Request) {
	if _, err := parseQuery(r); err != nil {
		httpError(w, http.StatusBadRequest, err.Error())
		return
	}
	s := h.snaps.get()
	writeJSON(w, http.StatusOK, s.cached(&s.heatmap, func() []byte { return encode(s.replicasJSON()) }))
}

func (s *snapshot) replicasJSON() replicasJSON {
	n := len(s.regions)
	size := max((n+MaxBuckets-1)/MaxBuckets, 1)
	out := replicasJSON{RegionCount: n, BucketSize: size, Stores: s.columns, Buckets: []bucketJSON{}}
	col := make(map[uint64]int, len(s.columns))
	for i, id := range s.columns {
		col[id] = i
	}
	for lo := 0; lo < n; lo += size {
		hi := min(lo+size, n)
		b := bucketJSON{
			StartKey: formatKey(s.regions[lo].StartKey),
			EndKey:   formatKey(s.regions[hi-1].EndKey),
			Regions:  hi - lo,
			Replicas: make([]int, len(s.columns)),
			Leaders:  make([]int, len(s.columns)),
		}
		for i := lo; i < hi; i++ {
			r := &s.regions[i]
			for _, p := range r.Peers {
				b.Replicas[col[p.StoreID]]++
			}
			if c, ok := col[r.LeaderStoreID]; ok && r.LeaderStoreID != 0 {
				b.Leaders[c]++
			}
		}
		out.Buckets = append(out.Buckets, b)
	}
	return out
}
