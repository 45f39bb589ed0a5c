package shell

import (
	"context"
	"fmt"
	"io"

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
		_, stats, _ := a.GetStore(ctx, st.GetId()) // a store removed meanwhile lists 0
		out = append(out, storeJSON{ID: st.GetId(), Address: st.GetAddress(), State: st.GetState().String(),
			Replicas: replicas[st.GetId()], Leaders: leaders[st.GetId()],
			Capacity: stats.GetCapacity(), Available: stats.GetAvailable()})
	}
	if err := ctx.Err(); err != nil {
		return clusterErr("stores", err)
	}
	return s.emit(out, func(w io.Writer) {
		fmt.Fprintln(w, "ID\tADDRESS\tSTATE\tREPLICAS\tLEADERS\tCAPACITY\tAVAILABLE")
		for _, st := range out {
			fmt.Fprintf(w, "%d\t%s\t%s\t%d\t%d\t%d\t%d\n", st.ID, st.Address, st.State, st.Replicas, st.Leaders,
				st.Capacity, st.Available)
		}
	})
}
