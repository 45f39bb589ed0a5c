package web

import (
	"net/http"
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
