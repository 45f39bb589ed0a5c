package schedule

// StoreInfluence is how much a store's load will change once the in-flight operators finish. Schedulers add it to
// the cluster's figures so that one round does not pile many moves onto the same store.
type StoreInfluence struct {
	RegionSize  int64
	RegionCount int
	LeaderSize  int64
	LeaderCount int
}

// addStepInfluence adds sign × the effect of step s (for a region of the given size) to m.
func addStepInfluence(m map[uint64]*StoreInfluence, s Step, size int64, sign int) {
	at := func(id uint64) *StoreInfluence {
		in := m[id]
		if in == nil {
			in = &StoreInfluence{}
			m[id] = in
		}
		return in
	}
	switch s := s.(type) {
	case AddPeer:
		in := at(s.ToStore)
		in.RegionSize += int64(sign) * size
		in.RegionCount += sign
	case AddLearner: // a learner holds the region's data like any replica; its promotion moves nothing
		in := at(s.ToStore)
		in.RegionSize += int64(sign) * size
		in.RegionCount += sign
	case RemovePeer:
		in := at(s.FromStore)
		in.RegionSize -= int64(sign) * size
		in.RegionCount -= sign
	case TransferLeader:
		from, to := at(s.FromStore), at(s.ToStore)
		from.LeaderSize -= int64(sign) * size
		from.LeaderCount -= sign
		to.LeaderSize += int64(sign) * size
		to.LeaderCount += sign
	}
}
