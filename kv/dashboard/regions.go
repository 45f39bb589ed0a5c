package dashboard

import (
	"bytes"
	"errors"
	"math"
	"net/http"
	"sort"
)

type regionsJSON struct {
	Total   int          `json:"total"`  // regions matching the filter
	Offset  int          `json:"offset"` // index of the first returned one among them
	Limit   int          `json:"limit"`
	Stores  []uint64     `json:"stores"` // the grid columns: every store id seen
	Regions []regionJSON `json:"regions"`
}

type regionJSON struct {
	ID              uint64     `json:"id"`
	StartKey        string     `json:"start_key"` // shown as formatKey does; "" = unbounded
	EndKey          string     `json:"end_key"`
	ConfVer         uint64     `json:"conf_ver"`
	Version         uint64     `json:"version"`
	Peers           []peerJSON `json:"peers"`
	LeaderStoreID   uint64     `json:"leader_store_id"` // 0: unknown
	ApproximateSize int64      `json:"approximate_size"`
	DownPeers       []uint64   `json:"down_peers"`
	PendingPeers    []uint64   `json:"pending_peers"`
}

type peerJSON struct {
	ID      uint64 `json:"id"`
	StoreID uint64 `json:"store_id"`
	Learner bool   `json:"learner,omitempty"`
}

// regionsPage is a parsed /api/regions request.
type regionsPage struct {
	offset, limit int
	store         uint64 // 0: all
	key           []byte // nil: use offset
}

func parseRegionsPage(r *http.Request) (regionsPage, error) {
	var p regionsPage
	q, err := parseQuery(r, "offset", "limit", "store", "key")
	if err != nil {
		return p, err
	}
	if p.offset, err = q.intParam("offset", 0, 0, math.MaxInt32); err != nil {
		return p, err
	}
	if p.limit, err = q.intParam("limit", DefaultRegionsLimit, 1, MaxRegionsLimit); err != nil {
		return p, err
	}
	if p.store, err = q.idParam("store"); err != nil {
		return p, err
	}
	if q.has("key") {
		if q.has("offset") {
			return p, errors.New("parameters key and offset: give one (key jumps to the page starting at its region)")
		}
		if p.key, err = parseKey(q.get("key")); err != nil {
			return p, errors.New("parameter key: " + err.Error())
		}
	}
	return p, nil
}

func (h *handler) regions(w http.ResponseWriter, r *http.Request) {
	p, err := parseRegionsPage(r)
	if err != nil {
		httpError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, encode(h.snaps.get().regionsPage(p)))
}

func (s *snapshot) regionsPage(p regionsPage) regionsJSON {
	var idx []int // nil: all regions
	total := len(s.regions)
	if p.store != 0 {
		idx = s.storeRegions(p.store)
		total = len(idx)
	}
	if p.key != nil {
		at := s.regionAt(p.key)
		p.offset = at
		if idx != nil {
			p.offset = sort.SearchInts(idx, at)
		}
	}
	out := regionsJSON{Total: total, Offset: p.offset, Limit: p.limit, Stores: s.columns, Regions: []regionJSON{}}
	for i := p.offset; i < total && i < p.offset+p.limit; i++ {
		j := i
		if idx != nil {
			j = idx[i]
		}
		out.Regions = append(out.Regions, regionToJSON(&s.regions[j]))
	}
	return out
}

// regionAt returns the index of the region containing key, or of the first one after it.
func (s *snapshot) regionAt(key []byte) int {
	i := sort.Search(len(s.regions), func(i int) bool { return bytes.Compare(s.regions[i].StartKey, key) > 0 }) - 1
	if i < 0 {
		return 0
	}
	if end := s.regions[i].EndKey; len(end) == 0 || bytes.Compare(key, end) < 0 {
		return i
	}
	return i + 1
}

func regionToJSON(r *Region) regionJSON {
	j := regionJSON{
		ID: r.ID, StartKey: formatKey(r.StartKey), EndKey: formatKey(r.EndKey),
		ConfVer: r.ConfVer, Version: r.Version, LeaderStoreID: r.LeaderStoreID,
		ApproximateSize: r.ApproximateSize,
		Peers:           make([]peerJSON, 0, len(r.Peers)),
		DownPeers:       append([]uint64{}, r.DownPeers...),
		PendingPeers:    append([]uint64{}, r.PendingPeers...),
	}
	for _, p := range r.Peers {
		j.Peers = append(j.Peers, peerJSON(p))
	}
	return j
}
