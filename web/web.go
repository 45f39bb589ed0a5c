// Package web is Gee's HTTP framework: a gin-shaped API (engine, groups,
// middleware, a request Context with binding and rendering) on a radix-tree
// router that allocates nothing per request.
package web

import (
	"github.com/gee-project/gee/web/internal/tree"
)

// HandlerFunc handles a request, or is one middleware step of it.
type HandlerFunc func(*Context)

// HandlersChain is a route's middleware followed by its handler.
type HandlersChain []HandlerFunc

// Last returns the final handler of the chain, or nil.
func (hc HandlersChain) Last() HandlerFunc {
	if len(hc) == 0 {
		return nil
	}
	return hc[len(hc)-1]
}

// H is a shortcut for map[string]any, handy for JSON bodies.
type H map[string]any

// Param is one matched path parameter.
type Param = tree.Param

// Params is the list of matched path parameters, in path order.
type Params = tree.Params

// RouteInfo describes one registered route.
type RouteInfo struct {
	Method      string
	Path        string
	Handler     string // name of the final handler function
	HandlerFunc HandlerFunc
}

// methods lists the methods with a fixed tree slot, in Allow-header order.
var methods = [...]string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"}

// methodIndex maps a method to its slot without hashing; -1 for others.
func methodIndex(m string) int {
	switch m {
	case "GET":
		return 0
	case "HEAD":
		return 1
	case "POST":
		return 2
	case "PUT":
		return 3
	case "PATCH":
		return 4
	case "DELETE":
		return 5
	case "OPTIONS":
		return 6
	case "CONNECT":
		return 7
	case "TRACE":
		return 8
	}
	return -1
}
