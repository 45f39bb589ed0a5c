package server

import (
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"google.golang.org/protobuf/proto"
)

// KeyRouter is implemented by storages that host several regions (the raftstore's): it
// names the region of this store holding key.
type KeyRouter interface {
	RegionForKey(key []byte) (regionID uint64, ok bool)
}

// readContext returns the context a read of key is served with. A request that names its
// region is passed through untouched (the storage checks the region, its epoch and the
// key); one that does not is routed to the local region holding key, so a client without
// a region cache still reads the right region.
func (s *Server) readContext(kvctx *kvrpcpb.Context, key []byte) *kvrpcpb.Context {
	kr, ok := s.st.(KeyRouter)
	if !ok || kvctx.GetRegionId() != 0 {
		return kvctx
	}
	id, ok := kr.RegionForKey(key)
	if !ok {
		return kvctx
	}
	out := &kvrpcpb.Context{}
	if kvctx != nil {
		out = proto.Clone(kvctx).(*kvrpcpb.Context)
	}
	out.RegionId = id
	return out
}
