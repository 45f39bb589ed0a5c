package schedlink

import (
	"context"
	"fmt"

	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/raftstore"
)

// bootstrap makes the cluster's first region if the cluster has none. The scheduler is
// bootstrapped first and the store after: if two stores race, the loser's store stays
// empty; if this store dies between the two steps, the restart finds the scheduler's
// first region naming this store as its only peer and bootstraps it locally.
func (l *Link) bootstrap(ctx context.Context, st *raftstore.Store) error {
	if len(st.Regions()) > 0 {
		return nil // restarted on its data
	}
	rctx, cancel := context.WithTimeout(ctx, l.cfg.RPCTimeout)
	defer cancel()
	done, err := l.cli.IsBootstrapped(rctx)
	if err != nil {
		return fmt.Errorf("schedlink: is bootstrapped: %w", err)
	}
	if done {
		return l.recoverBootstrap(rctx, st)
	}
	regionID, err := l.cli.AllocID(rctx)
	if err != nil {
		return fmt.Errorf("schedlink: alloc region id: %w", err)
	}
	peerID, err := l.cli.AllocID(rctx)
	if err != nil {
		return fmt.Errorf("schedlink: alloc peer id: %w", err)
	}
	region := &metapb.Region{Id: regionID, RegionEpoch: &metapb.RegionEpoch{ConfVer: 1, Version: 1},
		Peers: []*metapb.Peer{{Id: peerID, StoreId: l.cfg.StoreID}}}
	if err := l.cli.Bootstrap(rctx, l.storeMeta(), region); err != nil {
		// Another store won the race (or the call is ambiguous): check again.
		if again, ierr := l.cli.IsBootstrapped(rctx); ierr == nil && again {
			return l.recoverBootstrap(rctx, st)
		}
		return fmt.Errorf("schedlink: bootstrap: %w", err)
	}
	l.log.Info("bootstrapped cluster", "store", l.cfg.StoreID, "region", regionID)
	return st.Bootstrap(region)
}

// recoverBootstrap bootstraps locally the first region when the scheduler holds it in its
// initial form with this store as its only peer and the store has no data.
func (l *Link) recoverBootstrap(ctx context.Context, st *raftstore.Store) error {
	r, err := l.cli.GetRegion(ctx, nil)
	if err != nil {
		return nil // nothing to recover; peers arrive from leaders
	}
	m := r.Meta
	ep := m.GetRegionEpoch()
	if ep.GetConfVer() != 1 || ep.GetVersion() != 1 || len(m.GetPeers()) != 1 ||
		m.GetPeers()[0].GetStoreId() != l.cfg.StoreID || r.Leader != nil {
		return nil
	}
	return st.Bootstrap(m)
}
