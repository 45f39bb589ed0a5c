package shell

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/gee-project/gee/kv/schedclient"
)

// storeJSON is a store in JSON output.
type storeJSON struct {
	ID        uint64 `json:"id"`
	Address   string `json:"address"`
	State     string `json:"state"`
	Replicas  int    `json:"replicas"`
	Leaders   int    `json:"leaders"`
	Capacity  uint64 `json:"capacity"`
	Available uint64 `json:"available"`
	// Health is the scheduler's view (up, disconnected, down, offline, tombstone); HeartbeatAgeMs
	// how long ago its last heartbeat arrived (-1: none since the scheduler started).
	Health         string `json:"health"`
	HeartbeatAgeMs int64  `json:"heartbeat_age_ms"`
}

// stores lists every store with its replica and leader counts from the scheduler's region
// map (current even right after a scheduler restart) and the space its last heartbeat reported.
func (s *Shell) stores(ctx context.Context, _ []string) error {
	a, err := s.admin("stores")
	if err != nil {
		return err
	}
	stores, err := a.GetAllStores(ctx, false)
	if err != nil {
		return clusterErr("stores", err)
	}
	replicas, leaders := map[uint64]int{}, map[uint64]int{}
	err = scanRegions(ctx, a, nil, maxRegions, func(r *schedclient.Region) {
		for _, p := range r.Meta.GetPeers() {
			replicas[p.GetStoreId()]++
		}
		if r.Leader != nil {
			leaders[r.Leader.GetStoreId()]++
		}
	})
	if err != nil {
		return clusterErr("stores", err)
	}
	out := make([]storeJSON, 0, len(stores))
	for _, st := range stores {
		status, _ := a.StoreStatus(ctx, st.GetId()) // a store removed meanwhile lists 0
		age := int64(-1)
		if ms := status.GetLastHeartbeatUnixMs(); ms > 0 {
			age = max(0, time.Now().UnixMilli()-ms)
		}
		out = append(out, storeJSON{ID: st.GetId(), Address: st.GetAddress(), State: st.GetState().String(),
			Replicas: replicas[st.GetId()], Leaders: leaders[st.GetId()],
			Capacity: status.GetStats().GetCapacity(), Available: status.GetStats().GetAvailable(),
			Health: status.GetHealth(), HeartbeatAgeMs: age})
	}
	if err := ctx.Err(); err != nil {
		return clusterErr("stores", err)
	}
	return s.emit(out, func(w io.Writer) {
		fmt.Fprintln(w, "ID\tADDRESS\tSTATE\tHEALTH\tHEARTBEAT\tREPLICAS\tLEADERS\tCAPACITY\tAVAILABLE")
		for _, st := range out {
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s\n", st.ID, st.Address, st.State, orDash(st.Health),
				ageText(st.HeartbeatAgeMs), st.Replicas, st.Leaders, bytesText(st.Capacity), bytesText(st.Available))
		}
	})
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// ageText shows a heartbeat age as "1.2s ago", or "-" for none.
func ageText(ms int64) string {
	if ms < 0 {
		return "-"
	}
	return (time.Duration(ms) * time.Millisecond).Round(100*time.Millisecond).String() + " ago"
}

// bytesText shows a size in binary units: 0, 512B, 1.5KiB ... 252.0GiB.
func bytesText(n uint64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%dB", n)
	}
	div, exp := uint64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f%ciB", float64(n)/float64(div), "KMGTP"[exp])
}
