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

// methodIndex maps a method to its slot without hashing: the length
// picks one or two candidates, compared against constants (inlined).
func methodIndex(m string) int {
	switch len(m) {
	case 3:
		if m == "GET" {
			return 0
		}
		if m == "PUT" {
			return 3
		}
	case 4:
		if m == "POST" {
			return 2
		}
		if m == "HEAD" {
			return 1
		}
	case 5:
		if m == "PATCH" {
			return 4
		}
		if m == "TRACE" {
			return 8
		}
	case 6:
		if m == "DELETE" {
			return 5
		}
	case 7:
		if m == "OPTIONS" {
			return 6
		}
		if m == "CONNECT" {
			return 7
		}
	}
	return -1
}
