// Package consistenthash maps keys to nodes on a hash ring with virtual
// nodes, so adding or removing one of N nodes moves only about 1/N of keys.
//
// With the defaults (50 replicas, CRC-32 IEEE, virtual node i of node n
// hashed as strconv.Itoa(i)+n) the ring places keys exactly as
// golang/groupcache's consistenthash does, so mixed clusters agree on owners.
package consistenthash

import (
	"hash/crc32"
	"slices"
	"strconv"
)

// Hash maps bytes to a point on the ring.
type Hash func(data []byte) uint32

// DefaultReplicas is the number of virtual nodes per node groupcache uses.
const DefaultReplicas = 50

// Map is an immutable-after-build hash ring. It is not safe for concurrent
// Add; build it, then share it read-only (Get is safe for concurrent use).
type Map struct {
	hash     Hash
	replicas int
	points   []uint32 // sorted
	owner    map[uint32]string
	nodes    []string
}

// New returns an empty ring with replicas virtual nodes per node. A nil
// hash selects CRC-32 IEEE; replicas < 1 selects DefaultReplicas.
func New(replicas int, hash Hash) *Map {
	if hash == nil {
		hash = crc32.ChecksumIEEE
	}
	if replicas < 1 {
		replicas = DefaultReplicas
	}
	return &Map{hash: hash, replicas: replicas, owner: make(map[uint32]string)}
}

// Add puts nodes on the ring. Adding a node that is already present is a
// no-op. On a point collision the node added first keeps the point.
func (m *Map) Add(nodes ...string) {
	for _, n := range nodes {
		if slices.Contains(m.nodes, n) {
			continue
		}
		m.nodes = append(m.nodes, n)
		for i := 0; i < m.replicas; i++ {
			h := m.hash([]byte(strconv.Itoa(i) + n))
			if _, taken := m.owner[h]; taken {
				continue
			}
			m.owner[h] = n
			m.points = append(m.points, h)
		}
	}
	slices.Sort(m.points)
}

// Nodes returns the nodes on the ring in the order they were added.
func (m *Map) Nodes() []string { return slices.Clone(m.nodes) }

// IsEmpty reports whether the ring has no nodes.
func (m *Map) IsEmpty() bool { return len(m.points) == 0 }

// Get returns the node owning key, or "" if the ring is empty.
func (m *Map) Get(key string) string {
	if len(m.points) == 0 {
		return ""
	}
	h := m.hash([]byte(key))
	i, _ := slices.BinarySearch(m.points, h)
	if i == len(m.points) {
		i = 0
	}
	return m.owner[m.points[i]]
}
