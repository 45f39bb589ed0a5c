// Package raftstore is TinyKV's replicated store: one Store per process hosts a peer of
// each region it replicates, persists every peer's raft log and state in the engine, and
// applies committed commands to the engine's data.
//
// Threading, after TiKV's raftstore (a batch system with a raft poller and an apply
// poller), scaled down to one goroutine each:
//
//   - The raft loop owns every peer's RawNode. Each round it drains a mailbox (raft
//     messages, proposals, reads, ticks, apply results), then collects the Ready of every
//     peer into ONE engine write batch, syncs it once (group commit: everything that
//     arrived while the previous batch was being fsynced goes into this one, across all
//     regions), then sends the messages and hands committed entries to the apply worker.
//   - The apply worker applies committed entries (pipelined: raft's AsyncApply) and
//     answers proposals. Its writes hold the data and the apply state together.
//
// One loop rather than a goroutine per peer keeps the fsync count per round at one however
// many regions a store hosts, and costs no goroutine switch per message; per-peer state
// needs no locks because only the loop touches it.
package raftstore

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/raftserverpb"
	"github.com/gee-project/gee/kv/raft"
	pb "github.com/gee-project/gee/kv/raft/raftpb"
	"github.com/gee-project/gee/kv/raftstore/snap"
	"google.golang.org/protobuf/proto"
)

// Transport carries raft messages to other stores.
type Transport interface {
	// Send queues msg for msg.ToPeer.StoreId; it must not block on the network. A non-nil
	// error means the message was not queued; the store then reports the peer unreachable.
	// A message with a snapshot holds the whole payload in Message.Snapshot.Data; the
	// transport streams it and calls Store.ReportSnapshotStatus when done or failed.
	Send(msg *raftserverpb.RaftMessage) error
}

// Store hosts this process's region peers. All methods are safe for concurrent use.
type Store struct {
	cfg   Config
	eng   *engine.Engine
	trans Transport
	log   *slog.Logger

	mu      sync.RWMutex
	peers   map[uint64]*peer // by region id; peers' internals belong to the raft loop
	order   []*peer          // iteration order of the raft loop
	started bool

	mb       mailbox
	applier  *applier
	stopOnce sync.Once
	stopCh   chan struct{}
	loopDone chan struct{}
	bg       sync.WaitGroup // apply worker and snapshot generation

	pending atomic.Int64 // proposals not yet answered
	awake   awakeSet     // peers the raft loop ticks and polls (see hibernate.go)
	// tickBase is when the raft loop's clock started (set by Start): wall ticks since
	// then are what each peer's raft clock is measured against (see catchUpTicks).
	tickBase time.Time
	wb       *engine.WriteBatch
	readies  []readyOf
}

type readyOf struct {
	p  *peer
	rd raft.Ready
}

// NewStore opens the store on eng, loading every region the engine holds (a restart).
// The store does nothing until Start.
func NewStore(cfg Config, eng *engine.Engine, trans Transport) (*Store, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if eng == nil || trans == nil {
		return nil, errors.New("raftstore: NewStore needs an engine and a transport")
	}
	s := &Store{cfg: c, eng: eng, trans: trans, log: c.Logger.With("store", c.StoreID),
		peers: map[uint64]*peer{}, stopCh: make(chan struct{}), loopDone: make(chan struct{}), wb: eng.NewBatch()}
	s.mb.wake = make(chan struct{}, 1)
	s.awake = awakeSet{on: !c.NoHibernate, lastDown: map[uint64]int{}, probes: map[uint64]int{}}
	s.applier = &applier{eng: eng, ch: make(chan applyTask, 256), log: s.log, deleg: map[uint64]*applyDelegate{},
		wb: eng.NewBatch(), post: func(id uint64, res applyResult) { s.mb.push(event{kind: evApplied, region: id, res: res}) }}
	if err := s.loadRegions(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Store) loadRegions() error {
	lo, hi := engine.RegionMetaRange()
	it, err := s.eng.NewIterator(lo, hi)
	if err != nil {
		return err
	}
	defer it.Close()
	var tombs []uint64
	for ; it.Valid(); it.Next() {
		st := &raftserverpb.RegionLocalState{}
		if err := proto.Unmarshal(it.Value(), st); err != nil {
			return fmt.Errorf("raftstore: decode region state %x: %w", it.Key(), err)
		}
		if st.GetState() == raftserverpb.PeerState_Tombstone {
			tombs = append(tombs, st.GetRegion().GetId())
			continue
		}
		if err := s.addPeer(st.GetRegion()); err != nil {
			return err
		}
	}
	if err := it.Err(); err != nil {
		return err
	}
	if len(tombs) == 0 {
		return nil
	}
	wb := s.eng.NewBatch()
	defer wb.Close()
	for _, id := range tombs {
		if err := cleanTombstone(s.eng, wb, id); err != nil {
			return err
		}
	}
	return s.eng.Write(wb, false)
}

// addPeer creates this store's peer of region from its persisted state.
func (s *Store) addPeer(region *metapb.Region) error {
	self := peerOnStore(region, s.cfg.StoreID)
	if self == nil || self.GetId() == 0 {
		return fmt.Errorf("raftstore: region %d has no peer on store %d", region.GetId(), s.cfg.StoreID)
	}
	_, err := s.createPeer(region, self)
	return err
}

// createPeer builds the peer self of region from what the engine holds for it (nothing,
// for a peer created by a leader's message) and registers it with the loop and the apply
// worker.
func (s *Store) createPeer(region *metapb.Region, self *metapb.Peer) (*peer, error) {
	ps, err := loadPeerStorage(s.eng, region, s.cfg.EntryCacheSize, s.cfg.MaxSnapshotSize, &s.bg)
	if err != nil {
		return nil, err
	}
	var as raftserverpb.RaftApplyState
	if err := getProto(s.eng, engine.ApplyStateKey(region.GetId()), &as); err != nil {
		return nil, err
	}
	if as.TruncatedState == nil {
		as.TruncatedState = &raftserverpb.RaftTruncatedState{}
	}
	readOption := raft.ReadOnlySafe
	if s.cfg.LeaseReads {
		readOption = raft.ReadOnlyLeaseBased
	}
	rn, err := raft.NewRawNode(&raft.Config{
		ID: self.GetId(), ElectionTick: s.cfg.ElectionTicks, HeartbeatTick: s.cfg.HeartbeatTicks, Storage: ps,
		Applied: as.GetAppliedIndex(), MaxSizePerMsg: s.cfg.MaxSizePerMsg, MaxInflightMsgs: s.cfg.MaxInflightMsgs,
		MaxUncommittedEntriesSize: s.cfg.MaxUncommittedSize, MaxCommittedSizePerReady: s.cfg.MaxCommittedSizePerReady,
		AsyncApply: true, CheckQuorum: true, PreVote: true, Logger: raftLogger{s.log.With("region", region.GetId())},
		ReadOnlyOption: readOption, Hibernate: !s.cfg.NoHibernate,
	})
	if err != nil {
		return nil, fmt.Errorf("raftstore: region %d: %w", region.GetId(), err)
	}
	p := &peer{regionID: region.GetId(), meta: self, rn: rn, ps: ps, applied: as.GetAppliedIndex(),
		term: ps.raftState.GetHardState().GetTerm()}
	if !s.tickBase.IsZero() { // created by the raft loop: its clock starts now
		p.ticked = s.dueTicks(time.Now())
	}
	p.publish()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.peers[p.regionID] != nil {
		return nil, fmt.Errorf("raftstore: region %d already has a peer on store %d", p.regionID, s.cfg.StoreID)
	}
	s.peers[p.regionID] = p
	s.order = append(slices.Clone(s.order), p)
	p.compactedSeen = ps.trunc.index()
	s.touch(p) // createPeer runs on the raft loop, or before it starts
	d := p.delegate(as.GetAppliedIndex(), as.TruncatedState)
	if s.started {
		s.applier.ch <- applyTask{register: d}
	} else {
		s.applier.deleg[d.regionID] = d // the apply worker is not running yet
	}
	return p, nil
}

// delegate returns a fresh apply worker view of p at state.
func (p *peer) delegate(applied uint64, trunc *raftserverpb.RaftTruncatedState) *applyDelegate {
	return &applyDelegate{regionID: p.regionID, self: p.meta, region: p.ps.region, trunc: p.ps.trunc, gone: &p.gone,
		state: raftserverpb.RaftApplyState{AppliedIndex: applied, TruncatedState: trunc}}
}

// Bootstrap writes the initial state of region if the engine holds no raft state at all,
// and creates its peer; a store restarted on its data directory skips it, even when it
// hosts no region any more (every peer it had was removed, or it holds only an empty peer
// awaiting its snapshot). Every store of a new cluster bootstraps the same region (peer ids
// fixed by the caller). Call it before Start.
func (s *Store) Bootstrap(region *metapb.Region) error {
	s.mu.RLock()
	n, started := len(s.peers), s.started
	s.mu.RUnlock()
	if n > 0 {
		return nil
	}
	if started {
		return errors.New("raftstore: Bootstrap must be called before Start")
	}
	if region.GetId() == 0 || len(region.GetPeers()) == 0 {
		return errors.New("raftstore: Bootstrap needs a region with an id and peers")
	}
	// Bootstrapping over a tombstone or an empty peer's term and vote would bring a
	// removed peer back in the first configuration and make it forget its votes: it
	// could then vote twice in a term, electing two leaders.
	if used, err := hasLocalState(s.eng); err != nil || used {
		return err
	}
	region = proto.Clone(region).(*metapb.Region)
	wb := s.eng.NewBatch()
	defer wb.Close()
	if err := writeBootstrap(wb, region); err != nil {
		return err
	}
	if err := s.eng.Write(wb, true); err != nil {
		return fmt.Errorf("raftstore: bootstrap region %d: %w", region.GetId(), err)
	}
	return s.addPeer(region)
}

// hasLocalState reports whether eng holds any raft or region state (it served as a store).
func hasLocalState(eng *engine.Engine) (bool, error) {
	it, err := eng.NewIterator(append(engine.StoreIdentKey[:len(engine.StoreIdentKey):len(engine.StoreIdentKey)], 0), engine.LocalMax)
	if err != nil {
		return false, err
	}
	defer it.Close()
	return it.Valid(), it.Err()
}

// Start runs the store's raft loop and apply worker. Calling it again does nothing.
func (s *Store) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return nil
	}
	select {
	case <-s.stopCh:
		return ErrStopped
	default:
	}
	s.started = true
	s.tickBase = time.Now()
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		s.applier.run()
	}()
	go s.run()
	return nil
}

// Stop stops the store: pending proposals and reads are answered (with Timeout or an
// error), the apply worker finishes what it holds, and background snapshot work ends.
// The engine stays open (the caller owns it). Safe to call twice.
func (s *Store) Stop() {
	s.stopOnce.Do(func() {
		close(s.stopCh)
		s.mu.RLock()
		started := s.started
		s.mu.RUnlock()
		if started {
			<-s.loopDone
		} else {
			close(s.loopDone)
		}
		close(s.applier.ch)
		s.bg.Wait()
		s.wb.Close()
		s.applier.wb.Close()
	})
}

// errReplacedPeer: a message addressed to an older peer of a region whose local peer
// replaced it.
var errReplacedPeer = errors.New("the addressed peer was replaced")

// OnRaftMessage takes a message from another store. It returns an error, and changes
// nothing, when the message is malformed, not meant for this store, for a region this
// store does not host, or carries a snapshot that is corrupt, truncated or too large.
func (s *Store) OnRaftMessage(msg *raftserverpb.RaftMessage) error {
	if err := s.checkMessage(msg); err != nil {
		if errors.Is(err, errReplacedPeer) {
			// Its sender may be a removed peer that should be told (the loop decides).
			s.mb.push(event{kind: evReplaced, region: msg.GetRegionId(), msg: msg})
		}
		return err
	}
	select {
	case <-s.stopCh:
		return ErrStopped
	default:
	}
	s.mb.push(event{kind: evRaftMsg, region: msg.GetRegionId(), msg: msg})
	return nil
}

func (s *Store) checkMessage(msg *raftserverpb.RaftMessage) error {
	m := msg.GetMessage()
	switch {
	case msg == nil:
		return errors.New("raftstore: raft message has no raft payload")
	case msg.GetToPeer().GetStoreId() != s.cfg.StoreID:
		return fmt.Errorf("raftstore: message for store %d delivered to store %d", msg.GetToPeer().GetStoreId(), s.cfg.StoreID)
	case msg.GetFromPeer().GetId() == 0 || msg.GetToPeer().GetId() == 0:
		return errors.New("raftstore: raft message without from or to peer")
	case m == nil && msg.GetIsTombstone():
		return nil
	case m == nil:
		return errors.New("raftstore: raft message has no raft payload")
	case raft.IsLocalMsg(m.GetType()):
		return fmt.Errorf("raftstore: message type %v is local to a node and cannot come from a peer", m.GetType())
	case m.GetFrom() != msg.GetFromPeer().GetId() || m.GetTo() != msg.GetToPeer().GetId():
		return fmt.Errorf("raftstore: message peers do not match its envelope (from %d/%d, to %d/%d)",
			m.GetFrom(), msg.GetFromPeer().GetId(), m.GetTo(), msg.GetToPeer().GetId())
	}
	p := s.peer(msg.GetRegionId())
	if p == nil && msg.GetRegionEpoch().GetConfVer() == 0 {
		// Only a leader's message, which carries its region's epoch, may create a peer.
		return fmt.Errorf("raftstore: store %d has no peer of region %d and the message carries no region epoch: %w",
			s.cfg.StoreID, msg.GetRegionId(), errRegionNotFound(msg.GetRegionId()))
	}
	if to := msg.GetToPeer().GetId(); p != nil && p.meta.GetId() != to {
		// Only a newer peer (higher id, newer epoch) replaces the local one; the loop
		// destroys the old one when it sees this message.
		newer := to > p.meta.GetId() &&
			msg.GetRegionEpoch().GetConfVer() > p.status.Load().Region.GetRegionEpoch().GetConfVer()
		if !newer {
			return fmt.Errorf("raftstore: region %d peer on store %d is %d, not %d: %w", msg.GetRegionId(),
				s.cfg.StoreID, p.meta.GetId(), to, errReplacedPeer)
		}
	}
	if m.GetType() == pb.MessageType_MsgSnap || m.GetSnapshot() != nil {
		return s.checkSnapshot(msg, m.GetSnapshot())
	}
	return nil
}

func (s *Store) checkSnapshot(msg *raftserverpb.RaftMessage, sn *pb.Snapshot) error {
	regionID := msg.GetRegionId()
	if sn.GetMetadata() == nil {
		return fmt.Errorf("raftstore: snapshot for region %d has no metadata", regionID)
	}
	payload, err := snap.Decode(sn.GetData(), s.cfg.MaxSnapshotSize)
	if err != nil {
		return fmt.Errorf("raftstore: snapshot for region %d rejected: %w", regionID, err)
	}
	region := payload.State.GetRegion()
	if id := region.GetId(); id != regionID {
		return fmt.Errorf("raftstore: snapshot for region %d holds region %d", regionID, id)
	}
	// A snapshot taken before this peer was added would leave it outside its own region.
	if q := peerByID(region, msg.GetToPeer().GetId()); q == nil || q.GetStoreId() != s.cfg.StoreID {
		return fmt.Errorf("raftstore: snapshot for region %d does not include peer %d on store %d",
			regionID, msg.GetToPeer().GetId(), s.cfg.StoreID)
	}
	return nil
}

// snapshotRegion returns the region a snapshot message carries (nil if undecodable).
func snapshotRegion(sn *pb.Snapshot, limit uint64) *metapb.Region {
	payload, err := snap.Decode(sn.GetData(), limit)
	if err != nil {
		return nil
	}
	return payload.State.GetRegion()
}

// ReportUnreachable tells the region's raft that a message to peer could not be delivered.
func (s *Store) ReportUnreachable(regionID, toPeerID uint64) {
	s.mb.push(event{kind: evUnreachable, region: regionID, peerID: toPeerID})
}

// ReportSnapshotStatus tells the region's raft whether a snapshot reached peer.
func (s *Store) ReportSnapshotStatus(regionID, toPeerID uint64, ok bool) {
	s.mb.push(event{kind: evSnapStatus, region: regionID, peerID: toPeerID, ok: ok})
}

// RegionStatus returns the state of this store's peer of regionID.
func (s *Store) RegionStatus(regionID uint64) (RegionStatus, bool) {
	p := s.peer(regionID)
	if p == nil {
		return RegionStatus{}, false
	}
	return *p.status.Load(), true
}

// Regions lists the ids of the regions this store hosts.
func (s *Store) Regions() []uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := make([]uint64, 0, len(s.order))
	for _, p := range s.order {
		ids = append(ids, p.regionID)
	}
	return ids
}

// StoreID returns this store's id.
func (s *Store) StoreID() uint64 { return s.cfg.StoreID }

func (s *Store) peer(regionID uint64) *peer {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.peers[regionID]
}

// notLeader builds the NotLeader answer with the best known leader and its address.
func (s *Store) notLeader(p *peer) error {
	leader := peerByID(p.ps.region, p.leaderID)
	addr := ""
	if leader != nil && s.cfg.Resolver != nil {
		addr, _ = s.cfg.Resolver(leader.GetStoreId())
	}
	return errNotLeader(p.regionID, leader, addr)
}

// raftLogger adapts slog to raft.Logger.
type raftLogger struct{ l *slog.Logger }

func (r raftLogger) Debugf(string, ...any) {}
func (r raftLogger) Infof(f string, a ...any) {
	r.l.Debug(fmt.Sprintf(f, a...))
}
func (r raftLogger) Warningf(f string, a ...any) { r.l.Warn(fmt.Sprintf(f, a...)) }
func (r raftLogger) Errorf(f string, a ...any)   { r.l.Error(fmt.Sprintf(f, a...)) }

// mailbox is the raft loop's inbox: producers append under a mutex and poke wake; the loop
// takes everything at once, which is what batches proposals into one Ready.
type mailbox struct {
	mu    sync.Mutex
	items []event
	wake  chan struct{}
}

type evKind uint8

const (
	evRaftMsg evKind = iota + 1
	evPropose
	evRead
	evUnreachable
	evSnapStatus
	evApplied
	evTransfer
	evSplitCheck
	evReplaced // a message to an older peer id of a region this store hosts
	evStoreDown
	evAwakeCount
)

type event struct {
	kind   evKind
	region uint64
	msg    *raftserverpb.RaftMessage
	prop   *proposal
	read   *readReq
	peerID uint64
	ok     bool
	res    applyResult
	reply  chan error
	split  *splitPlan

	awakeReply chan [2]int
}

func (m *mailbox) push(e event) {
	m.mu.Lock()
	m.items = append(m.items, e)
	m.mu.Unlock()
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

// take swaps the queued events into spare (reused) and returns them.
func (m *mailbox) take(spare []event) []event {
	m.mu.Lock()
	out := m.items
	m.items = spare[:0]
	m.mu.Unlock()
	return out
}
