//go:build long

package httppool

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/gee-project/gee/cache"
)

// TestSoakClusterChurn hammers a 3-node cluster with gets, removes and
// membership changes for 30 seconds. Every get must succeed with a value
// loaded for its key, whichever node loaded it.
func TestSoakClusterChurn(t *testing.T) {
	nodes := startCluster(t, 3, cache.Options{})
	all := []string{nodes[0].addr, nodes[1].addr, nodes[2].addr}
	deadline := time.Now().Add(30 * time.Second)
	var wg sync.WaitGroup
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 7))
			for i := 0; time.Now().Before(deadline) && i < 1_000_000; i++ {
				n := nodes[r.IntN(3)]
				k := fmt.Sprintf("k%d", r.IntN(500))
				switch op := r.IntN(100); {
				case op < 2:
					n.group.Remove(ctx, k)
				case op < 3 && w == 0:
					members := all[:2+r.IntN(2)]
					for _, m := range nodes {
						m.pool.Set(members...)
					}
				default:
					v, err := n.group.Get(ctx, k)
					if err != nil || len(v.String()) < len(k) || v.String()[:len(k)+1] != k+"@" {
						t.Errorf("Get(%s) on %s = %q, %v", k, n.addr, v.String(), err)
						return
					}
				}
			}
		}(w)
	}
	wg.Wait()
	for _, n := range nodes {
		t.Logf("%s: %+v", n.addr, n.group.Stats())
	}
}
