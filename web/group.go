package web

import (
	"fmt"
	"net/http"
	"path"
	"reflect"
	"runtime"
)

// IRoutes is what route registration methods return, for chaining.
type IRoutes interface {
	Use(...HandlerFunc) IRoutes
	Handle(method, path string, handlers ...HandlerFunc) IRoutes
	GET(path string, handlers ...HandlerFunc) IRoutes
	POST(path string, handlers ...HandlerFunc) IRoutes
	PUT(path string, handlers ...HandlerFunc) IRoutes
	PATCH(path string, handlers ...HandlerFunc) IRoutes
	DELETE(path string, handlers ...HandlerFunc) IRoutes
	HEAD(path string, handlers ...HandlerFunc) IRoutes
	OPTIONS(path string, handlers ...HandlerFunc) IRoutes
	Any(path string, handlers ...HandlerFunc) IRoutes
}

// RouterGroup registers routes under a path prefix with shared middleware.
type RouterGroup struct {
	handlers HandlersChain
	basePath string
	engine   *Engine
	root     bool
}

// Group returns a sub-group whose routes are prefixed by prefix and run
// the given middleware after this group's.
func (g *RouterGroup) Group(prefix string, middleware ...HandlerFunc) *RouterGroup {
	return &RouterGroup{
		handlers: g.combineHandlers(middleware),
		basePath: g.calculateAbsolutePath(prefix),
		engine:   g.engine,
	}
}

// BasePath returns the group's path prefix.
func (g *RouterGroup) BasePath() string { return g.basePath }

// Use appends middleware to the group; it applies to routes added later.
func (g *RouterGroup) Use(middleware ...HandlerFunc) IRoutes {
	mustNotBeNil("Use", middleware)
	g.handlers = append(g.handlers, middleware...)
	return g.returnObj()
}

// AddRoute registers handlers for method and the group-relative path. A
// malformed pattern or a conflict with an existing route is returned as an
// error naming both routes.
func (g *RouterGroup) AddRoute(method, relativePath string, handlers ...HandlerFunc) error {
	if method == "" {
		return fmt.Errorf("route %q: empty HTTP method", relativePath)
	}
	if len(handlers) == 0 {
		return fmt.Errorf("route %s %q: no handlers", method, relativePath)
	}
	for i, h := range handlers {
		if h == nil {
			return fmt.Errorf("route %s %q: handler %d of %d is nil", method, relativePath, i+1, len(handlers))
		}
	}
	abs := g.calculateAbsolutePath(relativePath)
	return g.engine.addRoute(method, abs, g.combineHandlers(handlers))
}

// mustNotBeNil panics on a nil handler at setup, where the mistake is,
// rather than on the first request.
func mustNotBeNil(what string, hs HandlersChain) {
	for i, h := range hs {
		if h == nil {
			panic(fmt.Sprintf("web: %s: handler %d of %d is nil", what, i+1, len(hs)))
		}
	}
}

// Handle registers a route like AddRoute but panics on error, since a bad
// route table is a programming mistake found at startup.
func (g *RouterGroup) Handle(method, relativePath string, handlers ...HandlerFunc) IRoutes {
	if err := g.AddRoute(method, relativePath, handlers...); err != nil {
		panic("web: " + err.Error())
	}
	return g.returnObj()
}

// GET registers a GET route.
func (g *RouterGroup) GET(p string, hs ...HandlerFunc) IRoutes {
	return g.Handle(http.MethodGet, p, hs...)
}

// POST registers a POST route.
func (g *RouterGroup) POST(p string, hs ...HandlerFunc) IRoutes {
	return g.Handle(http.MethodPost, p, hs...)
}

// PUT registers a PUT route.
func (g *RouterGroup) PUT(p string, hs ...HandlerFunc) IRoutes {
	return g.Handle(http.MethodPut, p, hs...)
}

// PATCH registers a PATCH route.
func (g *RouterGroup) PATCH(p string, hs ...HandlerFunc) IRoutes {
	return g.Handle(http.MethodPatch, p, hs...)
}

// DELETE registers a DELETE route.
func (g *RouterGroup) DELETE(p string, hs ...HandlerFunc) IRoutes {
	return g.Handle(http.MethodDelete, p, hs...)
}

// HEAD registers a HEAD route.
func (g *RouterGroup) HEAD(p string, hs ...HandlerFunc) IRoutes {
	return g.Handle(http.MethodHead, p, hs...)
}

// OPTIONS registers an OPTIONS route.
func (g *RouterGroup) OPTIONS(p string, hs ...HandlerFunc) IRoutes {
	return g.Handle(http.MethodOptions, p, hs...)
}

// Match registers the route for each of the given methods.
func (g *RouterGroup) Match(methods []string, p string, hs ...HandlerFunc) IRoutes {
	for _, m := range methods {
		g.Handle(m, p, hs...)
	}
	return g.returnObj()
}

// Any registers the route for every standard method.
func (g *RouterGroup) Any(p string, hs ...HandlerFunc) IRoutes {
	for _, m := range methods {
		g.Handle(m, p, hs...)
	}
	return g.returnObj()
}

func (g *RouterGroup) combineHandlers(hs HandlersChain) HandlersChain {
	merged := make(HandlersChain, 0, len(g.handlers)+len(hs))
	merged = append(merged, g.handlers...)
	return append(merged, hs...)
}

func (g *RouterGroup) calculateAbsolutePath(rel string) string {
	if rel == "" {
		return g.basePath
	}
	abs := path.Join(g.basePath, rel)
	if rel[len(rel)-1] == '/' && abs[len(abs)-1] != '/' {
		abs += "/"
	}
	return abs
}

func (g *RouterGroup) returnObj() IRoutes {
	if g.root {
		return g.engine
	}
	return g
}

func nameOf(h HandlerFunc) string {
	if h == nil {
		return ""
	}
	return runtime.FuncForPC(reflect.ValueOf(h).Pointer()).Name()
}
