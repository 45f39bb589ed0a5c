package dashboard

import (
	"math"
	"net/http"
	"strconv"
	"time"
)

type summaryJSON struct {
	ClusterID   string         `json:"cluster_id"` // a string: 64-bit ids do not fit a JS number
	Time        string         `json:"time"`       // RFC 3339, when the snapshot was read
	TimeUnixMs  int64          `json:"time_unix_ms"`
	Stores      []storeJSON    `json:"stores"`
	Totals      totalsJSON     `json:"totals"`
	RegionCount int            `json:"region_count"`
	Operators   []operatorJSON `json:"operators"`
}

type storeJSON struct {
	ID             uint64  `json:"id"`
	Address        string  `json:"address"`
	State          string  `json:"state"`
	Replicas       int     `json:"replicas"`
	Leaders        int     `json:"leaders"`
	UsedSize       uint64  `json:"used_size"`
	Capacity       uint64  `json:"capacity"`
	Available      uint64  `json:"available"`
	RequestsPerSec float64 `json:"requests_per_sec"`
	CommitsPerSec  float64 `json:"commits_per_sec"`
	// HeartbeatAgeMs is how long ago the last heartbeat came; -1: never.
	HeartbeatAgeMs int64 `json:"heartbeat_age_ms"`
}

type totalsJSON struct {
	Stores         int            `json:"stores"`
	States         map[string]int `json:"states"` // health → store count
	Replicas       int            `json:"replicas"`
	Leaders        int            `json:"leaders"`
	UsedSize       uint64         `json:"used_size"`
	Capacity       uint64         `json:"capacity"`
	Available      uint64         `json:"available"`
	RequestsPerSec float64        `json:"requests_per_sec"`
	CommitsPerSec  float64        `json:"commits_per_sec"`
}

type operatorJSON struct {
	RegionID    uint64 `json:"region_id"`
	Kind        string `json:"kind"`
	Desc        string `json:"desc"`
	Status      string `json:"status"`
	StartUnixMs int64  `json:"start_unix_ms"`
	EndUnixMs   int64  `json:"end_unix_ms"` // 0 while running
	Source      string `json:"source"`
}

func (h *handler) summary(w http.ResponseWriter, r *http.Request) {
	if _, err := parseQuery(r); err != nil {
		httpError(w, http.StatusBadRequest, err.Error())
		return
	}
	s := h.snaps.get()
	writeJSON(w, http.StatusOK, s.cached(&s.summary, func() []byte { return encode(s.summaryJSON()) }))
}

func (s *snapshot) summaryJSON() summaryJSON {
	out := summaryJSON{
		ClusterID:   strconv.FormatUint(s.clusterID, 10),
		Time:        s.at.UTC().Format(time.RFC3339Nano),
		TimeUnixMs:  s.at.UnixMilli(),
		Stores:      make([]storeJSON, 0, len(s.stores)),
		RegionCount: len(s.regions),
		Operators:   make([]operatorJSON, 0, len(s.operators)),
		Totals:      totalsJSON{States: map[string]int{}},
	}
	t := &out.Totals
	for _, st := range s.stores {
		j := storeJSON{
			ID: st.ID, Address: st.Address, State: st.Health,
			Replicas: s.replicas[st.ID], Leaders: s.leaders[st.ID],
			UsedSize: st.UsedSize, Capacity: st.Capacity, Available: st.Available,
			RequestsPerSec: rate(st.RequestsPerSec), CommitsPerSec: rate(st.CommitsPerSec),
			HeartbeatAgeMs: -1,
		}
		if !st.LastHeartbeat.IsZero() {
			j.HeartbeatAgeMs = max(s.at.Sub(st.LastHeartbeat).Milliseconds(), 0)
		}
		out.Stores = append(out.Stores, j)
		t.Stores++
		t.States[j.State]++
		t.UsedSize += j.UsedSize
		t.Capacity += j.Capacity
		t.Available += j.Available
		t.RequestsPerSec += j.RequestsPerSec
		t.CommitsPerSec += j.CommitsPerSec
	}
	// Replica and leader totals count every peer, also on stores the Source does not list.
	for _, n := range s.replicas {
		t.Replicas += n
	}
	for _, n := range s.leaders {
		t.Leaders += n
	}
	for _, op := range s.operators {
		out.Operators = append(out.Operators, operatorJSON{
			RegionID: op.RegionID, Kind: op.Kind, Desc: op.Desc, Status: op.Status,
			StartUnixMs: unixMs(op.Start), EndUnixMs: unixMs(op.End), Source: op.Source,
		})
	}
	return out
}

// rate keeps NaN and infinities (which JSON cannot carry) out of the answer.
func rate(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0
	}
	return v
}

func unixMs(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}
