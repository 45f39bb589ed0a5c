package schedlink

import (
	"context"
	"errors"
	"fmt"

	"github.com/gee-project/gee/kv/proto/raftserverpb"
	"github.com/gee-project/gee/kv/proto/schedulerpb"
	"github.com/gee-project/gee/kv/raftstore"
	"github.com/gee-project/gee/kv/schedclient"
)

// checkIdent refuses a fresh data directory that claims a store id the scheduler already
// knows: registering it would move that store's address to this process (clients and
// peers would reach the wrong one), and its empty peers would have forgotten their votes.
// A directory that served before keeps the ident written on its first registration; one
// that served before idents existed (raft state but no ident) is trusted and gets one.
func (l *Link) checkIdent(ctx context.Context, st *raftstore.Store) error {
	ident, used, err := st.Ident()
	if err != nil {
		return fmt.Errorf("schedlink: %w", err)
	}
	cluster := l.cli.ClusterID()
	if ident != nil {
		if ident.GetStoreId() != l.cfg.StoreID {
			return fmt.Errorf("schedlink: the data directory belongs to store %d, not %d", ident.GetStoreId(), l.cfg.StoreID)
		}
		if ident.GetClusterId() != 0 && cluster != 0 && ident.GetClusterId() != cluster {
			return fmt.Errorf("schedlink: the data directory belongs to cluster %d, the scheduler runs cluster %d",
				ident.GetClusterId(), cluster)
		}
		return nil
	}
	if !used {
		rctx, cancel := context.WithTimeout(ctx, l.cfg.RPCTimeout)
		defer cancel()
		known, _, err := l.cli.GetStore(rctx, l.cfg.StoreID)
		var se *schedclient.Error
		if err != nil && !(errors.As(err, &se) && (se.Type == schedulerpb.ErrorType_STORE_NOT_FOUND || se.Type == schedulerpb.ErrorType_NOT_BOOTSTRAPPED)) {
			return fmt.Errorf("schedlink: look up store %d: %w", l.cfg.StoreID, err)
		}
		if err == nil && known != nil {
			return fmt.Errorf("schedlink: store %d is already registered with the scheduler (address %s) and this "+
				"data directory is empty, so it is not that store: start it with its own data directory, or give "+
				"this one a new -store-id", l.cfg.StoreID, known.GetAddress())
		}
	}
	return st.SetIdent(&raftserverpb.StoreIdent{ClusterId: cluster, StoreId: l.cfg.StoreID})
}
