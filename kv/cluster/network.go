package cluster

import (
	"errors"
	"fmt"
	"maps"
	"math/rand"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gee-project/gee/kv/proto/raftserverpb"
	"google.golang.org/protobuf/proto"
)

// Endpoint is the inbound side of a store as the network sees it; *raftstore.Store has
// these methods.
type Endpoint interface {
	OnRaftMessage(msg *raftserverpb.RaftMessage) error
	ReportUnreachable(regionID, toPeerID uint64)
	ReportSnapshotStatus(regionID, toPeerID uint64, ok bool)
}

// queueLen bounds each store's inbound queue; a full queue refuses Send, as a real
// transport with a bounded buffer would.
const queueLen = 8192

// Network is a simulated store-to-store network. Each store gets a Transport from it;
// messages pass through the installed filters (drop, delay, duplicate, partition,
// snapshot interception) and are delivered in order per destination unless delayed.
// Every random choice comes from one generator seeded by the caller.
type Network struct {
	mu      sync.Mutex
	rng     *rand.Rand
	filters map[int]Filter
	nextID  int
	nodes   map[uint64]*netNode
	closed  bool
	wg      sync.WaitGroup

	// Counters for tests and logs.
	Sent, Dropped, Delivered, Snapshots atomic.Int64
}

type netNode struct {
	id    uint64
	ep    Endpoint // nil while the store is down
	inbox chan *raftserverpb.RaftMessage
	gen   uint64 // bumps on every Attach/Detach so stale deliveries are discarded
	done  chan struct{}
}

// NewNetwork returns an empty network whose random choices follow seed.
func NewNetwork(seed int64) *Network {
	return &Network{
		rng:     rand.New(rand.NewSource(seed)),
		filters: make(map[int]Filter),
		nodes:   make(map[uint64]*netNode),
	}
}

// Attach connects store id's endpoint, replacing any previous one (a restart).
func (n *Network) Attach(id uint64, ep Endpoint) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return
	}
	nd := n.nodes[id]
	if nd != nil && nd.ep != nil {
		n.detachLocked(nd)
	}
	nd = &netNode{id: id, ep: ep, inbox: make(chan *raftserverpb.RaftMessage, queueLen), done: make(chan struct{})}
	if old := n.nodes[id]; old != nil {
		nd.gen = old.gen + 1
	}
	n.nodes[id] = nd
	n.wg.Add(1)
	go n.deliver(nd)
}

// Register makes id a known store that is currently down (messages to it are lost).
func (n *Network) Register(id uint64) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.nodes[id] == nil {
		n.nodes[id] = &netNode{id: id}
	}
}

// Detach disconnects store id: messages to it are lost until the next Attach. Detach
// returns once no delivery to the old endpoint is in progress.
func (n *Network) Detach(id uint64) {
	n.mu.Lock()
	nd := n.nodes[id]
	if nd == nil || nd.ep == nil {
		n.mu.Unlock()
		return
	}
	done := nd.done
	n.detachLocked(nd)
	n.mu.Unlock()
	<-done
}

func (n *Network) detachLocked(nd *netNode) {
	close(nd.inbox)
	n.nodes[nd.id] = &netNode{id: nd.id, gen: nd.gen + 1}
}

// Close detaches every store and waits for the delivery goroutines.
func (n *Network) Close() {
	n.mu.Lock()
	n.closed = true
	var waits []chan struct{}
	for _, nd := range n.nodes {
		if nd.ep != nil {
			waits = append(waits, nd.done)
			n.detachLocked(nd)
		}
	}
	n.mu.Unlock()
	for _, w := range waits {
		<-w
	}
	n.wg.Wait()
}

// AddFilter installs f and returns a function that removes it.
func (n *Network) AddFilter(f Filter) (remove func()) {
	n.mu.Lock()
	defer n.mu.Unlock()
	id := n.nextID
	n.nextID++
	n.filters[id] = f
	return func() {
		n.mu.Lock()
		delete(n.filters, id)
		n.mu.Unlock()
	}
}

// ClearFilters removes every filter: the network heals.
func (n *Network) ClearFilters() {
	n.mu.Lock()
	n.filters = make(map[int]Filter)
	n.mu.Unlock()
}

// Rand runs f with the network's generator held, so scenario code can draw from the same
// seeded stream without racing the filters.
func (n *Network) Rand(f func(r *rand.Rand)) {
	n.mu.Lock()
	defer n.mu.Unlock()
	f(n.rng)
}

// Transport returns the sending side for store from.
func (n *Network) Transport(from uint64) *Transport { return &Transport{net: n, from: from} }

// Transport is one store's view of the network; it implements raftstore.Transport.
type Transport struct {
	net  *Network
	from uint64
}

// errUnknownStore is returned for a destination the network has never heard of.
var errUnknownStore = errors.New("cluster: unknown store")

// Send queues msg for msg.ToPeer.StoreId. It never blocks: a message the filters drop,
// or one for a store that is down, is silently lost (as on a real network); an unknown
// store or a full queue is an error.
func (t *Transport) Send(msg *raftserverpb.RaftMessage) error {
	to := msg.GetToPeer().GetStoreId()
	n := t.net
	n.Sent.Add(1)
	isSnap := msg.GetMessage().GetSnapshot() != nil
	if isSnap {
		n.Snapshots.Add(1)
	}
	n.mu.Lock()
	nd := n.nodes[to]
	if nd == nil {
		n.mu.Unlock()
		return fmt.Errorf("%w %d", errUnknownStore, to)
	}
	env := Envelope{From: t.from, To: to, Msg: msg, Snapshot: isSnap, Copies: 1, rng: n.rng}
	for _, id := range slices.Sorted(maps.Keys(n.filters)) {
		n.filters[id].Apply(&env)
	}
	gen := nd.gen
	n.mu.Unlock()

	if env.Drop || env.Copies <= 0 {
		n.Dropped.Add(1)
		if isSnap {
			n.reportSnapshot(t.from, msg, false)
		}
		return nil
	}
	// Clone so a store that reuses or mutates a sent message cannot reach into the
	// receiver, and each duplicate is independent.
	for i := 0; i < env.Copies; i++ {
		c := proto.Clone(msg).(*raftserverpb.RaftMessage)
		d := env.Delay
		if i > 0 {
			d += env.DupDelay + time.Duration(i)*time.Millisecond
		}
		if d > 0 {
			time.AfterFunc(d, func() { n.enqueue(to, gen, c) })
			continue
		}
		if err := n.enqueue(to, gen, c); err != nil {
			return err
		}
	}
	return nil
}

// enqueue puts m on store to's inbox if the store is still the incarnation gen was read
// from; messages to a store that restarted since are lost, like packets to a dead socket.
func (n *Network) enqueue(to, gen uint64, m *raftserverpb.RaftMessage) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	nd := n.nodes[to]
	if nd == nil || nd.ep == nil || nd.gen != gen {
		n.Dropped.Add(1)
		return nil
	}
	select {
	case nd.inbox <- m:
		return nil
	default:
		n.Dropped.Add(1)
		return fmt.Errorf("cluster: inbound queue of store %d is full", to)
	}
}

func (n *Network) deliver(nd *netNode) {
	defer n.wg.Done()
	defer close(nd.done)
	for m := range nd.inbox {
		err := nd.ep.OnRaftMessage(m)
		n.Delivered.Add(1)
		if m.GetMessage().GetSnapshot() != nil {
			n.reportSnapshot(m.GetFromPeer().GetStoreId(), m, err == nil)
		}
	}
}

// reportSnapshot tells the sending store how a snapshot fared, off the delivery
// goroutine so a store calling back into the network cannot deadlock it.
func (n *Network) reportSnapshot(from uint64, m *raftserverpb.RaftMessage, ok bool) {
	n.mu.Lock()
	nd := n.nodes[from]
	var ep Endpoint
	if nd != nil {
		ep = nd.ep
	}
	n.mu.Unlock()
	if ep == nil {
		return
	}
	region, peer := m.GetRegionId(), m.GetToPeer().GetId()
	go ep.ReportSnapshotStatus(region, peer, ok)
}
