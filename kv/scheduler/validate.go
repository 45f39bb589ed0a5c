package scheduler

import (
	pb "github.com/gee-project/gee/kv/proto/schedulerpb"

	"github.com/gee-project/gee/kv/proto/metapb"
)

func invalid(format string, args ...any) *Error {
	return errorf(pb.ErrorType_INVALID_ARGUMENT, format, args...)
}

// checkKey bounds a lookup key (empty is valid: the start of the key space).
func (s *Server) checkKey(field string, key []byte) error {
	if len(key) > s.limits.MaxKeySize {
		return invalid("%s: %d bytes exceeds the maximum key size of %d", field, len(key), s.limits.MaxKeySize)
	}
	return nil
}

// checkRegion checks the limits on a region meta; core checks its consistency.
func (s *Server) checkRegion(field string, r *metapb.Region) error {
	if r == nil {
		return invalid("%s: missing", field)
	}
	if r.GetId() == 0 {
		return invalid("%s.id: 0", field)
	}
	if r.GetRegionEpoch() == nil {
		return invalid("%s.region_epoch: missing", field)
	}
	if err := s.checkKey(field+".start_key", r.GetStartKey()); err != nil {
		return err
	}
	if err := s.checkKey(field+".end_key", r.GetEndKey()); err != nil {
		return err
	}
	if n := len(r.GetPeers()); n == 0 || n > s.limits.MaxPeers {
		return invalid("%s.peers: %d peers, want 1 to %d", field, n, s.limits.MaxPeers)
	}
	for i, p := range r.GetPeers() {
		if p.GetId() == 0 || p.GetStoreId() == 0 {
			return invalid("%s.peers[%d]: needs a peer id and a store id", field, i)
		}
	}
	return nil
}

// checkStore checks a store meta from PutStore or Bootstrap.
func (s *Server) checkStore(st *metapb.Store) error {
	switch {
	case st == nil:
		return invalid("store: missing")
	case st.GetId() == 0:
		return invalid("store.id: 0")
	case st.GetAddress() == "":
		return invalid("store.address: empty")
	case len(st.GetAddress()) > s.limits.MaxAddressLen:
		return invalid("store.address: %d bytes exceeds the maximum of %d", len(st.GetAddress()), s.limits.MaxAddressLen)
	case st.GetState() == metapb.StoreState_Tombstone:
		return invalid("store.state: a store cannot be put as a tombstone")
	}
	if _, ok := metapb.StoreState_name[int32(st.GetState())]; !ok {
		return invalid("store.state: unknown state %d", st.GetState())
	}
	return nil
}
