package raftstore

import (
	"fmt"
	"log/slog"
	"sync/atomic"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/raftcmdpb"
	"github.com/gee-project/gee/kv/proto/raftserverpb"
	pb "github.com/gee-project/gee/kv/raft/raftpb"
	"google.golang.org/protobuf/proto"
)

// applyTask is one unit of work for the apply worker: committed entries of a region with
// the proposals they may answer, or a control request.
type applyTask struct {
	regionID uint64
	entries  []*pb.Entry
	props    []*proposal // sorted by index, all at or below the last entry's index

	register *applyDelegate // start tracking a region
	barrier  chan struct{}  // closed once everything queued before it is applied
	// destroy erases the region's replica (stale peer); epoch, if newer, goes in its tombstone.
	destroy bool
	epoch   *metapb.RegionEpoch
}

// applyResult is what the apply worker reports back to the raft loop.
type applyResult struct {
	applied uint64
	// compacted is set when a CompactLog moved the truncated state.
	compacted bool
	// sizeDiff is the key+value bytes written (approximate region size growth).
	sizeDiff int64
	// region is the region meta after the membership changes and splits applied (nil:
	// unchanged); confChanges are the accepted changes, in order, for raft to apply too.
	region      *metapb.Region
	confChanges []*pb.ConfChangeV2
	// splits are the regions split off this one, in order.
	splits []*metapb.Region
	// destroyed: this store's peer was removed; its data and apply state are gone and
	// its region state is a tombstone.
	destroyed bool
}

// applyDelegate is the apply worker's view of one region.
type applyDelegate struct {
	regionID uint64
	self     *metapb.Peer   // this store's peer
	region   *metapb.Region // as of the applied index; replaced, never modified
	trunc    *truncation    // shared with the peer's storage
	gone     *atomic.Bool   // shared with the peer: set before its data is deleted
	state    raftserverpb.RaftApplyState
	res      applyResult
	touched  bool
	removed  bool // this peer was removed: apply nothing more
}

// applier applies committed entries in its own goroutine (pipelined apply): the raft loop
// hands out entries and goes on persisting and sending the next Ready while the previous
// one is applied. Several queued tasks are applied in one engine write. The data and the
// apply state of every region touched go into that same write, so a crash never separates
// them; it is not synced, because the entries are durable in the raft log and a restart
// re-applies everything after the persisted applied index.
type applier struct {
	eng   *engine.Engine
	ch    chan applyTask
	log   *slog.Logger
	post  func(regionID uint64, res applyResult)
	deleg map[uint64]*applyDelegate

	wb      *engine.WriteBatch
	answers []answer
	touched []*applyDelegate
	buf     []byte
	req     raftcmdpb.RaftCmdRequest
}

type answer struct {
	p   *proposal
	err error
}

const applyBatchTasks = 64

func (a *applier) run() {
	for t := range a.ch {
		if a.control(t) {
			continue
		}
		a.apply(t)
		for n := 1; n < applyBatchTasks; n++ {
			var more applyTask
			select {
			case more = <-a.ch:
			default:
				n = applyBatchTasks
				continue
			}
			if a.control(more) {
				a.flush()
				continue
			}
			a.apply(more)
		}
		a.flush()
	}
	a.flush()
}

// control handles a control task after flushing what came before it; it reports whether t was one.
func (a *applier) control(t applyTask) bool {
	switch {
	case t.register != nil:
		a.flush()
		a.deleg[t.register.regionID] = t.register
	case t.barrier != nil:
		a.flush()
		close(t.barrier)
	default:
		return false
	}
	return true
}

func (a *applier) apply(t applyTask) {
	d := a.deleg[t.regionID]
	if t.destroy {
		if d != nil && !d.removed {
			if t.epoch.GetConfVer() > d.region.GetRegionEpoch().GetConfVer() {
				r := cloneRegion(d.region)
				r.RegionEpoch = &metapb.RegionEpoch{ConfVer: t.epoch.GetConfVer(),
					Version: max(t.epoch.GetVersion(), r.GetRegionEpoch().GetVersion())}
				d.region = r
			}
			a.destroy(d)
			a.touch(d)
		}
		return
	}
	if d == nil || d.removed {
		// Committed entries this replica will not apply: the remaining peers do.
		for _, p := range t.props {
			a.answers = append(a.answers, answer{p, errTimeout(t.regionID, "this peer was removed before applying the command")})
		}
		return
	}
	props := t.props
	for _, e := range t.entries {
		if e.Index <= d.state.AppliedIndex {
			continue // re-delivered after a snapshot or restart
		}
		for len(props) > 0 && props[0].index < e.Index {
			a.answers = append(a.answers, answer{props[0], errStaleCommand(d.regionID)})
			props = props[1:]
		}
		var prop *proposal
		if len(props) > 0 && props[0].index == e.Index {
			prop, props = props[0], props[1:]
		}
		var err error
		if !d.removed {
			err = a.applyEntry(d, e, prop)
		} else {
			err = errTimeout(d.regionID, "this peer was removed before applying the command")
		}
		if prop != nil {
			if prop.term != e.Term {
				err = errStaleCommand(d.regionID)
			}
			a.answers = append(a.answers, answer{prop, err})
		}
		d.state.AppliedIndex = e.Index
	}
	for _, p := range props {
		a.answers = append(a.answers, answer{p, errStaleCommand(d.regionID)})
	}
	a.touch(d)
}

func (a *applier) touch(d *applyDelegate) {
	if !d.touched {
		d.touched = true
		a.touched = append(a.touched, d)
	}
}

// applyEntry writes one entry's effect into the batch. An error is the command's own
// failure (answered to its proposer); the entry still counts as applied.
func (a *applier) applyEntry(d *applyDelegate, e *pb.Entry, prop *proposal) error {
	if e.Type == pb.EntryType_EntryConfChange || e.Type == pb.EntryType_EntryConfChangeV2 {
		return a.applyConfChange(d, e, prop)
	}
	if e.Type != pb.EntryType_EntryNormal || len(e.Data) == 0 {
		return nil // the leader's empty entry
	}
	req := &a.req
	req.Reset()
	if err := proto.Unmarshal(e.Data, req); err != nil {
		a.log.Error("raftstore: undecodable log entry skipped", "region", d.regionID, "index", e.Index, "err", err)
		return fmt.Errorf("raftstore: entry %d of region %d is not a command: %w", e.Index, d.regionID, err)
	}
	if adm := req.GetAdminRequest(); adm != nil {
		return a.applyAdmin(d, req.GetHeader(), adm, prop)
	}
	// A write proposed before a split may now belong to the other half: it is refused,
	// certainly not applied, and the client retries with the new region.
	if epochStale(req.GetHeader().GetRegionEpoch(), d.region, false) {
		return errEpochNotMatch(d.region)
	}
	for _, r := range req.GetRequests() {
		var cf string
		switch r.GetCmdType() {
		case raftcmdpb.CmdType_Put:
			cf = r.GetPut().GetCf()
		case raftcmdpb.CmdType_Delete:
			cf = r.GetDelete().GetCf()
		default:
			return fmt.Errorf("raftstore: command type %v cannot be applied", r.GetCmdType())
		}
		if !engine.ValidCF(cf) {
			return fmt.Errorf("raftstore: unknown column family %q in entry %d", cf, e.Index)
		}
		key := r.GetPut().GetKey()
		if r.GetCmdType() == raftcmdpb.CmdType_Delete {
			key = r.GetDelete().GetKey()
		}
		if !inRegion(key, d.region) {
			return errKeyNotInRegion(key, d.region)
		}
	}
	for _, r := range req.GetRequests() {
		if put := r.GetPut(); r.GetCmdType() == raftcmdpb.CmdType_Put {
			a.wb.Put(put.GetCf(), put.GetKey(), put.GetValue())
			d.res.sizeDiff += int64(len(put.GetKey()) + len(put.GetValue()))
		} else {
			a.wb.Delete(r.GetDelete().GetCf(), r.GetDelete().GetKey())
		}
	}
	return nil
}

func (a *applier) applyAdmin(d *applyDelegate, hdr *raftcmdpb.RaftRequestHeader, adm *raftcmdpb.AdminRequest, prop *proposal) error {
	switch adm.GetCmdType() {
	case raftcmdpb.AdminCmdType_CompactLog:
		return a.applyCompactLog(d, adm)
	case raftcmdpb.AdminCmdType_Split:
		return a.applySplit(d, hdr, adm.GetSplit(), prop)
	}
	return fmt.Errorf("raftstore: admin command %v cannot be applied from a normal entry", adm.GetCmdType())
}

func (a *applier) applyCompactLog(d *applyDelegate, adm *raftcmdpb.AdminRequest) error {
	c := adm.GetCompactLog()
	ts := d.state.GetTruncatedState()
	if c.GetCompactIndex() <= ts.GetIndex() || c.GetCompactIndex() > d.state.AppliedIndex {
		return nil // stale or out of range: nothing to do
	}
	d.state.TruncatedState = &raftserverpb.RaftTruncatedState{Index: c.GetCompactIndex(), Term: c.GetCompactTerm()}
	// Publish before the entries go, so the raft loop answers ErrCompacted rather than
	// looking for an entry that is no longer there.
	d.trunc.set(c.GetCompactIndex(), c.GetCompactTerm())
	compactLog(a.wb, d.regionID, c.GetCompactIndex())
	d.res.compacted = true
	return nil
}

// flush writes the batch with the apply state of every touched region, then answers
// proposals and reports progress to the raft loop.
func (a *applier) flush() {
	if len(a.touched) == 0 && len(a.answers) == 0 {
		return
	}
	for _, d := range a.touched {
		if d.removed {
			continue // its apply state was deleted with its data
		}
		var err error
		a.buf, err = proto.MarshalOptions{}.MarshalAppend(a.buf[:0], &d.state)
		if err != nil {
			panic(fmt.Sprintf("raftstore: encode apply state: %v", err))
		}
		a.wb.PutRaw(engine.ApplyStateKey(d.regionID), a.buf)
	}
	if !a.wb.Empty() {
		if err := a.eng.Write(a.wb, false); err != nil {
			// The engine can no longer record what raft committed; continuing would diverge.
			panic(fmt.Sprintf("raftstore: apply write failed: %v", err))
		}
		a.wb.Reset()
	}
	for _, ans := range a.answers {
		ans.p.answer(ans.err)
	}
	clear(a.answers)
	a.answers = a.answers[:0]
	for _, d := range a.touched {
		d.res.applied = d.state.AppliedIndex
		a.post(d.regionID, d.res)
		d.res = applyResult{}
		d.touched = false
		if d.removed {
			delete(a.deleg, d.regionID)
		}
	}
	clear(a.touched)
	a.touched = a.touched[:0]
}
