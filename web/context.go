package web

import (
	"math"
	"net/http"
	"net/url"
	"sync"
	"time"
)

const abortIndex = math.MaxInt32

// Context carries one request through its handlers. It is pooled: it is
// valid only until the handler chain returns; use Copy to keep it longer.
// It is a context.Context cancelled with the request.
type Context struct {
	Request *http.Request
	Writer  ResponseWriter
	Params  Params
	// Keys holds values set with Set, for this request only.
	Keys map[string]any
	// Errors collects errors attached with Error.
	Errors ErrorList

	w         responseWriter
	handlers  HandlersChain
	index     int
	fullPath  string
	engine    *Engine
	mu        sync.RWMutex
	query     url.Values
	body      []byte
	bodyRead  bool
	bodyErr   error
	bodyLimit int64  // 0: the engine's MaxBodyBytes; -1: none
	redirect  string // the router's redirect target, for answerRedirect
	sameSite  http.SameSite
	extra     bool // some field from query on was set: reset must clear them
}

func (c *Context) reset() {
	if c.Writer != ResponseWriter(&c.w) {
		c.Writer = &c.w
	}
	c.Params = c.Params[:0]
	c.index = -1
	if c.Keys != nil {
		c.Keys = nil
	}
	if len(c.Errors) != 0 {
		c.Errors = c.Errors[:0]
	}
	if c.extra {
		c.query, c.body, c.bodyRead, c.bodyErr = nil, nil, false, nil
		c.bodyLimit, c.sameSite, c.extra = 0, 0, false
	}
}

// Copy returns a copy safe to use after the handler returns (e.g. in a
// goroutine): it keeps the request, params and keys, and refuses to write.
func (c *Context) Copy() *Context {
	cp := &Context{
		Request:  c.Request,
		Writer:   &detachedWriter{},
		Params:   append(Params(nil), c.Params...),
		index:    abortIndex,
		fullPath: c.fullPath,
		engine:   c.engine,
		body:     c.body,
		bodyRead: c.bodyRead,
		bodyErr:  c.bodyErr,
	}
	c.mu.RLock()
	if c.Keys != nil {
		cp.Keys = make(map[string]any, len(c.Keys))
		for k, v := range c.Keys {
			cp.Keys[k] = v
		}
	}
	c.mu.RUnlock()
	return cp
}

// Next runs the remaining handlers of the chain; middleware calls it to
// act after the handler.
func (c *Context) Next() {
	c.index++
	for c.index < len(c.handlers) {
		c.handlers[c.index](c)
		c.index++
	}
}

// Abort stops the remaining handlers from running.
func (c *Context) Abort() { c.index = abortIndex }

// IsAborted reports whether Abort was called.
func (c *Context) IsAborted() bool { return c.index >= abortIndex }

// AbortWithStatus aborts and sets the status.
func (c *Context) AbortWithStatus(code int) {
	c.Status(code)
	c.Writer.WriteHeaderNow()
	c.Abort()
}

// AbortWithStatusJSON aborts and writes obj as JSON with the status.
func (c *Context) AbortWithStatusJSON(code int, obj any) {
	c.Abort()
	c.JSON(code, obj)
}

// AbortWithError aborts with the status and records err.
func (c *Context) AbortWithError(code int, err error) *Error {
	c.AbortWithStatus(code)
	return c.Error(err)
}

// FullPath returns the matched route pattern, or "" when none matched.
func (c *Context) FullPath() string { return c.fullPath }

// HandlerName returns the name of the route's final handler.
func (c *Context) HandlerName() string { return nameOf(c.handlers.Last()) }

// Param returns the value of a path parameter, or "".
func (c *Context) Param(name string) string { return c.Params.ByName(name) }

// Set stores a value for this request. Safe for concurrent use.
func (c *Context) Set(key string, value any) {
	c.mu.Lock()
	if c.Keys == nil {
		c.Keys = make(map[string]any)
	}
	c.Keys[key] = value
	c.mu.Unlock()
}

// Get returns the value stored under key.
func (c *Context) Get(key string) (any, bool) {
	c.mu.RLock()
	v, ok := c.Keys[key]
	c.mu.RUnlock()
	return v, ok
}

// MustGet returns the value stored under key and panics if absent.
func (c *Context) MustGet(key string) any {
	if v, ok := c.Get(key); ok {
		return v
	}
	panic("web: key " + key + " does not exist")
}

// GetString returns the string stored under key, or "".
func (c *Context) GetString(key string) string { return getAs[string](c, key) }

// Deadline is the request context's deadline.
func (c *Context) Deadline() (time.Time, bool) {
	if c.Request == nil {
		return time.Time{}, false
	}
	return c.Request.Context().Deadline()
}

// Done is closed when the request is cancelled or its deadline passes.
func (c *Context) Done() <-chan struct{} {
	if c.Request == nil {
		return nil
	}
	return c.Request.Context().Done()
}

// Err reports why Done was closed.
func (c *Context) Err() error {
	if c.Request == nil {
		return nil
	}
	return c.Request.Context().Err()
}

// Value returns a key set with Set for string keys, else the request
// context's value.
func (c *Context) Value(key any) any {
	if s, ok := key.(string); ok {
		if v, ok := c.Get(s); ok {
			return v
		}
	}
	if c.Request == nil {
		return nil
	}
	return c.Request.Context().Value(key)
}
