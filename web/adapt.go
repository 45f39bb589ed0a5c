package web

import (
	"context"
	"net/http"
)

// WrapH adapts an http.Handler into a HandlerFunc.
func WrapH(h http.Handler) HandlerFunc {
	return func(c *Context) { h.ServeHTTP(c.Writer, c.Request) }
}

// WrapF adapts an http.HandlerFunc into a HandlerFunc.
func WrapF(f http.HandlerFunc) HandlerFunc {
	return func(c *Context) { f(c.Writer, c.Request) }
}

type ctxKey struct{}

// WrapM adapts standard func(http.Handler) http.Handler middleware for
// Use: the rest of the chain runs as its next handler, seeing any request
// or writer it substitutes. If it does not call next, the chain is aborted.
func WrapM(mw func(http.Handler) http.Handler) HandlerFunc {
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, ok := r.Context().Value(ctxKey{}).(*Context)
		if !ok {
			// The middleware replaced the request context with one not derived
			// from ours, so the chain cannot be found again.
			http.Error(w, "500 internal server error", http.StatusInternalServerError)
			return
		}
		c.Request = r
		if w != c.Writer {
			c.Writer = wrapWriter(w)
		}
		c.Next()
		c.Writer.WriteHeaderNow()
	})
	h := mw(next)
	return func(c *Context) {
		orig, idx := c.Writer, c.index
		r := c.Request.WithContext(context.WithValue(c.Request.Context(), ctxKey{}, c))
		h.ServeHTTP(c.Writer, r)
		c.Writer = orig
		if c.index == idx {
			c.Abort()
		}
	}
}

// wrapWriter gives a foreign writer the ResponseWriter extras.
func wrapWriter(w http.ResponseWriter) ResponseWriter {
	if rw, ok := w.(ResponseWriter); ok {
		return rw
	}
	rw := &responseWriter{}
	rw.reset(w)
	return rw
}
