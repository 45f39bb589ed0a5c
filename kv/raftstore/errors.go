package raftstore

import (
	"errors"
	"fmt"

	"github.com/gee-project/gee/kv/proto/errorpb"
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/storage"
)

// ErrStopped is returned for work the store could not take or finish because it stopped.
var ErrStopped = errors.New("raftstore: store stopped")

// ErrEntryTooLarge is returned for a write whose encoded command exceeds Config.MaxEntrySize.
var ErrEntryTooLarge = errors.New("raftstore: write exceeds the raft entry size limit")

func regionErr(msg string, e *errorpb.Error) *storage.RegionError {
	e.Message = msg
	return &storage.RegionError{Err: e}
}

func errNotLeader(regionID uint64, leader *metapb.Peer, addr string) error {
	msg := fmt.Sprintf("peer is not the leader of region %d", regionID)
	if leader != nil {
		msg += fmt.Sprintf("; leader is peer %d on store %d", leader.GetId(), leader.GetStoreId())
	}
	return regionErr(msg, &errorpb.Error{NotLeader: &errorpb.NotLeader{RegionId: regionID, Leader: leader, LeaderAddress: addr}})
}

func errRegionNotFound(regionID uint64) error {
	return regionErr(fmt.Sprintf("region %d not found on this store", regionID),
		&errorpb.Error{RegionNotFound: &errorpb.RegionNotFound{RegionId: regionID}})
}

func errStaleCommand(regionID uint64) error {
	return regionErr(fmt.Sprintf("command of region %d was overtaken by a term change and not applied", regionID),
		&errorpb.Error{StaleCommand: &errorpb.StaleCommand{}})
}

func errTimeout(regionID uint64, why string) error {
	return regionErr(fmt.Sprintf("region %d: %s; it may still be applied", regionID, why),
		&errorpb.Error{Timeout: &errorpb.Timeout{}})
}

func errBusy(reason string) error {
	return regionErr("server is busy: "+reason,
		&errorpb.Error{ServerIsBusy: &errorpb.ServerIsBusy{Reason: reason, BackoffMs: 20}})
}

func errKeyNotInRegion(key []byte, r *metapb.Region) error {
	return regionErr(fmt.Sprintf("key %q is not in region %d", key, r.GetId()),
		&errorpb.Error{KeyNotInRegion: &errorpb.KeyNotInRegion{Key: key, RegionId: r.GetId(),
			StartKey: r.GetStartKey(), EndKey: r.GetEndKey()}})
}

func errEpochNotMatch(r *metapb.Region) error {
	return regionErr(fmt.Sprintf("region %d epoch does not match (current conf_ver %d, version %d)", r.GetId(),
		r.GetRegionEpoch().GetConfVer(), r.GetRegionEpoch().GetVersion()),
		&errorpb.Error{EpochNotMatch: &errorpb.EpochNotMatch{CurrentRegions: []*metapb.Region{r}}})
}

func errStoreNotMatch(want, actual uint64) error {
	return regionErr(fmt.Sprintf("request is for store %d, this is store %d", want, actual),
		&errorpb.Error{StoreNotMatch: &errorpb.StoreNotMatch{RequestStoreId: want, ActualStoreId: actual}})
}

// errEpochNotMatchWith is EpochNotMatch carrying r first, then the other regions the
// store hosts, so a client can refresh its cache from one answer.
func errEpochNotMatchWith(r *metapb.Region, others []*metapb.Region) error {
	err := errEpochNotMatch(r).(*storage.RegionError)
	err.Err.EpochNotMatch.CurrentRegions = append(err.Err.EpochNotMatch.CurrentRegions, others...)
	return err
}
