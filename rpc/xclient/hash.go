package xclient

import (
	"context"
	"fmt"
	"hash/crc32"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

type hashKey struct{}

// WithHashKey sets the key ConsistentHash routes the call by.
func WithHashKey(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, hashKey{}, key)
}

// ConsistentHash routes calls with the same key to the same server, and
// moves only ~1/n of keys when a server joins or leaves. The key is the one
// set by WithHashKey, else Key(method, args), else method plus the
// formatted args.
type ConsistentHash struct {
	Replicas int // virtual nodes per server; default 100
	Key      func(method string, args any) string

	mu   sync.Mutex
	sig  string
	ring []uint32
	node map[uint32]int
	srvs []Server
}

// Select implements Selector.
func (c *ConsistentHash) Select(ctx context.Context, method string, args any, s []Server) Server {
	key, ok := ctx.Value(hashKey{}).(string)
	if !ok {
		if c.Key != nil {
			key = c.Key(method, args)
		} else {
			key = method + fmt.Sprint(args)
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rebuild(s)
	h := crc32.ChecksumIEEE([]byte(key))
	i := sort.Search(len(c.ring), func(i int) bool { return c.ring[i] >= h })
	if i == len(c.ring) {
		i = 0
	}
	return c.srvs[c.node[c.ring[i]]]
}

// rebuild recomputes the ring when the server set changed.
func (c *ConsistentHash) rebuild(s []Server) {
	addrs := make([]string, len(s))
	for i, srv := range s {
		addrs[i] = srv.Addr
	}
	slices.Sort(addrs)
	sig := strings.Join(addrs, ",")
	if sig == c.sig {
		return
	}
	reps := c.Replicas
	if reps <= 0 {
		reps = 100
	}
	c.sig, c.srvs = sig, slices.Clone(s)
	c.ring = c.ring[:0]
	c.node = make(map[uint32]int, reps*len(s))
	for i, srv := range s {
		for r := 0; r < reps; r++ {
			h := crc32.ChecksumIEEE([]byte(strconv.Itoa(r) + "#" + srv.Addr))
			if _, dup := c.node[h]; !dup {
				c.node[h] = i
				c.ring = append(c.ring, h)
			}
		}
	}
	slices.Sort(c.ring)
}
