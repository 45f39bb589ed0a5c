package raftstore

import (
	"errors"
	"fmt"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/proto/raftserverpb"
	"google.golang.org/protobuf/proto"
)

// Ident returns the identity recorded in the store's engine (nil if none was recorded)
// and whether the engine holds any raft or region state. An engine with neither is a
// fresh data directory: it cannot be a store that already served, whatever id it is given.
func (s *Store) Ident() (ident *raftserverpb.StoreIdent, used bool, err error) {
	v, err := s.eng.GetRaw(engine.StoreIdentKey)
	switch {
	case errors.Is(err, engine.ErrNotFound):
	case err != nil:
		return nil, false, fmt.Errorf("raftstore: read store ident: %w", err)
	default:
		ident = &raftserverpb.StoreIdent{}
		if err := proto.Unmarshal(v, ident); err != nil {
			return nil, false, fmt.Errorf("raftstore: store ident: %w", err)
		}
	}
	used, err = hasLocalState(s.eng)
	return ident, used, err
}

// SetIdent records the store's identity (synced). The ident key sorts before the raft and
// region keys, so it does not count as local state for Bootstrap.
func (s *Store) SetIdent(ident *raftserverpb.StoreIdent) error {
	if ident.GetStoreId() != s.cfg.StoreID {
		return fmt.Errorf("raftstore: ident store id %d, store is %d", ident.GetStoreId(), s.cfg.StoreID)
	}
	b, err := proto.Marshal(ident)
	if err != nil {
		return err
	}
	wb := s.eng.NewBatch()
	wb.PutRaw(engine.StoreIdentKey, b)
	return s.eng.Write(wb, true)
}
