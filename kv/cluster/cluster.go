package cluster

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/proto/metapb"
	"github.com/gee-project/gee/kv/proto/raftserverpb"
	"github.com/gee-project/gee/kv/raft/raftpb"
	"github.com/gee-project/gee/kv/raftstore"
	"github.com/gee-project/gee/kv/storage"
	"google.golang.org/protobuf/proto"
)

// RegionID is the one region every store hosts in this issue.
const RegionID = 1

// Store is what the harness drives; *raftstore.Store satisfies it.
type Store interface {
	Endpoint
	Start() error
	Stop()
	Storage() storage.Storage
}

// StoreConfig is what a StoreFactory gets to build one store.
type StoreConfig struct {
	StoreID uint64
	Engine  *engine.Engine
	Trans   *Transport
	Region  *metapb.Region // the initial region to bootstrap (skipped on a restart)
	Resolve func(storeID uint64) (string, bool)

	TickInterval    time.Duration
	ElectionTicks   int
	HeartbeatTicks  int
	LogGCCountLimit uint64
	// GCTickInterval is how often the store looks at log GC; 0 leaves the store's default.
	GCTickInterval time.Duration
	// IDs hands out split ids (shared by the cluster's stores, like the scheduler's).
	IDs *raftstore.SeqIDAllocator
	// RegionSplitSize, when non-zero, turns the split checker on with this limit;
	// SplitCheckInterval is how often it looks.
	RegionSplitSize    uint64
	SplitCheckInterval time.Duration
}

// StoreFactory builds and bootstraps (when the engine is empty) one store, not started.
type StoreFactory func(cfg StoreConfig) (Store, error)

// Config configures a Cluster. Zero fields take the documented defaults.
type Config struct {
	Stores int    // default 3
	Dir    string // parent of the stores' data directories; required
	Seed   int64  // seeds the network's random choices

	TickInterval    time.Duration // default 20ms
	ElectionTicks   int           // default 10
	HeartbeatTicks  int           // default 2
	LogGCCountLimit uint64        // default 0: the store's own default
	GCTickInterval  time.Duration // default 0: the store's own default
	// RegionSplitSize (bytes), when non-zero, lets regions split once they pass it; the
	// split checker looks every SplitCheckInterval (default 4 ticks).
	RegionSplitSize    uint64
	SplitCheckInterval time.Duration

	NewStore StoreFactory // required
}

func (c *Config) fill() error {
	if c.Stores == 0 {
		c.Stores = 3
	}
	if c.Stores < 1 || c.Stores > 9 {
		return fmt.Errorf("cluster: %d stores; want 1..9", c.Stores)
	}
	if c.Dir == "" {
		return errors.New("cluster: Config.Dir is required")
	}
	if c.NewStore == nil {
		return errors.New("cluster: Config.NewStore is required")
	}
	if c.TickInterval == 0 {
		c.TickInterval = 20 * time.Millisecond
	}
	if c.ElectionTicks == 0 {
		c.ElectionTicks = 10
	}
	if c.HeartbeatTicks == 0 {
		c.HeartbeatTicks = 2
	}
	if c.SplitCheckInterval == 0 {
		c.SplitCheckInterval = 4 * c.TickInterval
	}
	return nil
}

// Cluster is N stores in one process, each on its own engine in its own directory,
// connected by a simulated Network. Stores can be crashed and restarted on their data.
type Cluster struct {
	cfg Config
	net *Network
	ids *raftstore.SeqIDAllocator // region and peer ids after the bootstrap ones

	mu    sync.Mutex
	nodes map[uint64]*node
}

type node struct {
	id    uint64
	dir   string
	eng   *engine.Engine
	store Store
	gate  *gate // calls into this incarnation's storage
}

// New creates the cluster's directories and network; Start starts the stores.
func New(cfg Config) (*Cluster, error) {
	if err := cfg.fill(); err != nil {
		return nil, err
	}
	c := &Cluster{cfg: cfg, net: NewNetwork(cfg.Seed), nodes: make(map[uint64]*node), ids: raftstore.NewSeqIDAllocator(1000)}
	for i := 1; i <= cfg.Stores; i++ {
		id := uint64(i)
		dir := filepath.Join(cfg.Dir, fmt.Sprintf("store%d", id))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("cluster: %w", err)
		}
		c.nodes[id] = &node{id: id, dir: dir}
		c.net.Register(id)
	}
	return c, nil
}

// Net returns the simulated network, for filters.
func (c *Cluster) Net() *Network { return c.net }

// Config returns the cluster's configuration with defaults filled in.
func (c *Cluster) Config() Config { return c.cfg }

// IDs returns the store ids, 1..N.
func (c *Cluster) IDs() []uint64 {
	ids := make([]uint64, c.cfg.Stores)
	for i := range ids {
		ids[i] = uint64(i + 1)
	}
	return ids
}

// ElectionTimeout is the stores' election timeout in wall time.
func (c *Cluster) ElectionTimeout() time.Duration {
	return time.Duration(c.cfg.ElectionTicks) * c.cfg.TickInterval
}

// Region is the initial region: id 1, all keys, peer id == store id, epoch {1,1}.
func (c *Cluster) Region() *metapb.Region {
	r := &metapb.Region{Id: RegionID, RegionEpoch: &metapb.RegionEpoch{ConfVer: 1, Version: 1}}
	for _, id := range c.IDs() {
		r.Peers = append(r.Peers, &metapb.Peer{Id: id, StoreId: id})
	}
	return r
}

// Start starts every store that is down.
func (c *Cluster) Start() error {
	for _, id := range c.IDs() {
		if c.Up(id) {
			continue
		}
		if err := c.Restart(id); err != nil {
			return err
		}
	}
	return nil
}

// Up reports whether store id is running.
func (c *Cluster) Up(id uint64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.nodes[id]
	return n != nil && n.store != nil
}

// Restart opens store id's engine on its data directory and starts it; bootstrapping
// happens only on an empty engine. It is an error if the store is running.
func (c *Cluster) Restart(id uint64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.nodes[id]
	if n == nil {
		return fmt.Errorf("cluster: no store %d", id)
	}
	if n.store != nil {
		return fmt.Errorf("cluster: store %d is already running", id)
	}
	eng, err := engine.Open(n.dir, engine.Options{CacheSize: 4 << 20, MemTableSize: 4 << 20})
	if err != nil {
		return err
	}
	st, err := c.cfg.NewStore(StoreConfig{
		StoreID:         id,
		Engine:          eng,
		Trans:           c.net.Transport(id),
		Region:          c.Region(),
		Resolve:         func(s uint64) (string, bool) { return fmt.Sprintf("store%d", s), s >= 1 && s <= uint64(c.cfg.Stores) },
		TickInterval:    c.cfg.TickInterval,
		ElectionTicks:   c.cfg.ElectionTicks,
		HeartbeatTicks:  c.cfg.HeartbeatTicks,
		LogGCCountLimit: c.cfg.LogGCCountLimit,
		GCTickInterval:  c.cfg.GCTickInterval,
		IDs:             c.ids,
		RegionSplitSize: c.cfg.RegionSplitSize,

		SplitCheckInterval: c.cfg.SplitCheckInterval,
	})
	if err != nil {
		eng.Close()
		return fmt.Errorf("cluster: store %d: %w", id, err)
	}
	c.net.Attach(id, st)
	if err := st.Start(); err != nil {
		c.net.Detach(id)
		st.Stop()
		eng.Close()
		return fmt.Errorf("cluster: start store %d: %w", id, err)
	}
	n.eng, n.store, n.gate = eng, st, &gate{}
	return nil
}

// Crash stops store id abruptly as far as its peers can tell: it is cut from the network
// first (in-flight messages to it are lost), then stopped, and its engine closed. The
// data directory stays for Restart.
func (c *Cluster) Crash(id uint64) error {
	c.mu.Lock()
	n := c.nodes[id]
	if n == nil || n.store == nil {
		c.mu.Unlock()
		return fmt.Errorf("cluster: store %d is not running", id)
	}
	st, eng, g := n.store, n.eng, n.gate
	n.store, n.eng, n.gate = nil, nil, nil
	c.mu.Unlock()
	c.net.Detach(id)
	g.shut()
	st.Stop() // answers the calls in flight
	g.drain()
	return eng.Close()
}

// Shutdown crashes every running store and closes the network.
func (c *Cluster) Shutdown() {
	for _, id := range c.IDs() {
		if c.Up(id) {
			_ = c.Crash(id)
		}
	}
	c.net.Close()
}

// Storage returns store id's storage, or nil when it is down. Calls through it after the
// store crashed fail; Crash waits for the calls in flight and their open readers.
func (c *Cluster) Storage(id uint64) storage.Storage {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n := c.nodes[id]; n != nil && n.store != nil {
		return gatedStorage{g: n.gate, s: n.store.Storage()}
	}
	return nil
}

// Store returns store id, or nil when it is down.
func (c *Cluster) Store(id uint64) Store {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n := c.nodes[id]; n != nil {
		return n.store
	}
	return nil
}

// errDown is returned for reads of a store that is not running.
var errDown = errors.New("cluster: store is down")

// EngineGet reads key from the default column family of store id's engine directly: no
// leader check, no raft — what that store has applied. An absent key is nil, nil.
func (c *Cluster) EngineGet(id uint64, key []byte) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.nodes[id]
	if n == nil || n.eng == nil {
		return nil, fmt.Errorf("%w: %d", errDown, id)
	}
	v, err := n.eng.Get(engine.CFDefault, key)
	if errors.Is(err, engine.ErrNotFound) {
		return nil, nil
	}
	return v, err
}

// ApplyState reads store id's persisted apply state of region 1.
func (c *Cluster) ApplyState(id uint64) (*raftserverpb.RaftApplyState, error) {
	return c.ApplyStateOf(id, RegionID)
}

// ApplyStateOf reads store id's persisted apply state of regionID.
func (c *Cluster) ApplyStateOf(id, regionID uint64) (*raftserverpb.RaftApplyState, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.nodes[id]
	if n == nil || n.eng == nil {
		return nil, fmt.Errorf("%w: %d", errDown, id)
	}
	v, err := n.eng.GetRaw(engine.ApplyStateKey(regionID))
	if err != nil || v == nil {
		return nil, fmt.Errorf("cluster: store %d apply state of region %d: %v (present %v)", id, regionID, err, v != nil)
	}
	st := new(raftserverpb.RaftApplyState)
	if err := proto.Unmarshal(v, st); err != nil {
		return nil, fmt.Errorf("cluster: store %d apply state: %w", id, err)
	}
	return st, nil
}

// LogEntries counts the raft log entries store id holds on disk for region 1.
func (c *Cluster) LogEntries(id uint64) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.nodes[id]
	if n == nil || n.eng == nil {
		return 0, fmt.Errorf("%w: %d", errDown, id)
	}
	lo, hi := engine.RaftLogRange(RegionID, 0, ^uint64(0))
	it, err := n.eng.NewIterator(lo, hi)
	if err != nil {
		return 0, err
	}
	defer it.Close()
	count := 0
	for ; it.Valid(); it.Next() {
		count++
	}
	return count, it.Err()
}

// RaftLog is what one store holds of the region's raft log on disk.
type RaftLog struct {
	Truncated uint64                   // apply state's truncated index
	Applied   uint64                   // apply state's applied index
	Entries   map[uint64]*raftpb.Entry // by index
}

// ReadRaftLog reads store id's persisted raft log and apply state of region 1.
func (c *Cluster) ReadRaftLog(id uint64) (*RaftLog, error) { return c.ReadRaftLogOf(id, RegionID) }

// ReadRaftLogOf reads store id's persisted raft log and apply state of regionID.
func (c *Cluster) ReadRaftLogOf(id, regionID uint64) (*RaftLog, error) {
	st, err := c.ApplyStateOf(id, regionID)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.nodes[id]
	if n == nil || n.eng == nil {
		return nil, fmt.Errorf("%w: %d", errDown, id)
	}
	lo, hi := engine.RaftLogRange(regionID, 0, ^uint64(0))
	it, err := n.eng.NewIterator(lo, hi)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	out := &RaftLog{Truncated: st.GetTruncatedState().GetIndex(), Applied: st.GetAppliedIndex(), Entries: map[uint64]*raftpb.Entry{}}
	for ; it.Valid(); it.Next() {
		idx, err := engine.RaftLogIndex(it.Key())
		if err != nil {
			return nil, err
		}
		e := new(raftpb.Entry)
		if err := proto.Unmarshal(it.Value(), e); err != nil {
			return nil, fmt.Errorf("store %d: log entry %d: %w", id, idx, err)
		}
		if e.GetIndex() != idx {
			return nil, fmt.Errorf("store %d: log key %d holds entry %d", id, idx, e.GetIndex())
		}
		out.Entries[idx] = e
	}
	return out, it.Err()
}

// CheckLogs checks the running stores' on-disk logs of every region they host: no entry
// at or below the truncated index survives compaction, the entries above it are
// contiguous, and wherever two stores both applied an index they hold the same entry (a
// conflicting tail was cut).
func CheckLogs(c *Cluster) error {
	hosts := map[uint64][]uint64{} // region -> stores
	for _, id := range c.IDs() {
		if !c.Up(id) {
			continue
		}
		regions, err := c.HostedRegions(id)
		if err != nil {
			return err
		}
		for _, r := range regions {
			hosts[r] = append(hosts[r], id)
		}
	}
	for r, stores := range hosts {
		if err := checkRegionLogs(c, r, stores); err != nil {
			return fmt.Errorf("region %d: %w", r, err)
		}
	}
	return nil
}

func checkRegionLogs(c *Cluster, regionID uint64, stores []uint64) error {
	logs := map[uint64]*RaftLog{}
	for _, id := range stores {
		l, err := c.ReadRaftLogOf(id, regionID)
		if err != nil {
			if !c.Up(id) || !c.hosts(id, regionID) {
				continue // crashed or destroyed meanwhile
			}
			return err
		}
		var idxs []uint64
		for i := range l.Entries {
			idxs = append(idxs, i)
		}
		slices.Sort(idxs)
		for k, i := range idxs {
			if i <= l.Truncated {
				return fmt.Errorf("store %d: entry %d survived truncation at %d", id, i, l.Truncated)
			}
			if k > 0 && i != idxs[k-1]+1 {
				return fmt.Errorf("store %d: log has a gap between %d and %d", id, idxs[k-1], i)
			}
		}
		logs[id] = l
	}
	for a, la := range logs {
		for b, lb := range logs {
			if a >= b {
				continue
			}
			if i, ok := firstDivergence(la, lb); ok {
				ea, eb := la.Entries[i], lb.Entries[i]
				return fmt.Errorf("stores %d and %d applied different entries at index %d (first such index): "+
					"%s vs %s; peers: %s, %s", a, b, i, describeEntry(ea), describeEntry(eb),
					c.describePeer(a, regionID), c.describePeer(b, regionID))
			}
		}
	}
	return nil
}

// firstDivergence returns the lowest index both logs hold and applied with different entries.
func firstDivergence(la, lb *RaftLog) (uint64, bool) {
	var first uint64
	found := false
	for i, ea := range la.Entries {
		eb, ok := lb.Entries[i]
		if !ok || i > la.Applied || i > lb.Applied || proto.Equal(ea, eb) {
			continue
		}
		if !found || i < first {
			first, found = i, true
		}
	}
	return first, found
}

func describeEntry(e *raftpb.Entry) string {
	return fmt.Sprintf("{term %d, %v, %d bytes}", e.GetTerm(), e.GetType(), len(e.GetData()))
}

// describePeer names store id's peer of regionID and its view of the region, for failures.
func (c *Cluster) describePeer(id, regionID uint64) string {
	a := c.admin(id)
	if a == nil {
		return fmt.Sprintf("store %d down", id)
	}
	st, ok := a.RegionStatus(regionID)
	if !ok {
		return fmt.Sprintf("store %d has no peer", id)
	}
	return fmt.Sprintf("store %d peer %d (term %d, conf_ver %d, peers %v)", id, st.PeerID, st.Term,
		st.Region.GetRegionEpoch().GetConfVer(), st.Region.GetPeers())
}

// hosts reports whether store id holds regionID in Normal state now.
func (c *Cluster) hosts(id, regionID uint64) bool {
	st, err := c.RegionState(id, regionID)
	return err == nil && st.GetState() == raftserverpb.PeerState_Normal && st.GetRegion() != nil
}
