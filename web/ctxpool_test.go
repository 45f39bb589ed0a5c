package web

import (
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"testing"
)

// A handler that serves a nested request on the same engine (and so the
// same P) takes a second Context while the first is in use; each keeps
// its own params, and both go back to the pool.
func TestContextPoolNested(t *testing.T) {
	e := New()
	e.GET("/outer/:a", func(c *Context) {
		w := do(t, e, http.MethodGet, "/inner/x", nil)
		c.String(http.StatusOK, "%s+%s", c.Param("a"), w.Body.String())
	})
	e.GET("/inner/:b", func(c *Context) { c.String(http.StatusOK, "%s", c.Param("b")) })
	for i := 0; i < 3; i++ {
		expect(t, do(t, e, http.MethodGet, "/outer/y", nil), http.StatusOK, "y+x")
	}
}

// Every build that has procPin, race builds included, serves from the
// per-P slots: the race detector checks the code that ships.
func TestContextPoolUsesSlots(t *testing.T) {
	e := New()
	e.GET("/x", func(c *Context) {})
	if !usePerP {
		t.Skip("built without procPin (gee_nopin or a newer Go): sync.Pool only")
	}
	if len(e.pool.slots) != runtime.GOMAXPROCS(0) {
		t.Fatalf("%d slots for %d Ps", len(e.pool.slots), runtime.GOMAXPROCS(0))
	}
	do(t, e, http.MethodGet, "/x", nil)
	filled := 0
	for i := range e.pool.slots {
		if e.pool.slots[i].c != nil {
			filled++
		}
	}
	if filled == 0 {
		t.Fatal("no slot holds the Context after a request")
	}
}

// Concurrent requests hand Contexts from one goroutine to the next through
// the slots; under -race the detector checks that handoff.
func TestContextPoolConcurrent(t *testing.T) {
	e := New()
	e.GET("/u/:id", func(c *Context) {
		c.Set("id", c.Param("id"))
		c.String(http.StatusOK, "%s", c.GetString("id"))
	})
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 300; i++ {
				want := strconv.Itoa(g*1000 + i)
				if w := do(t, e, http.MethodGet, "/u/"+want, nil); w.Body.String() != want {
					errs <- "got " + w.Body.String() + ", want " + want
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
