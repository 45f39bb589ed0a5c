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

// methodIndex maps a method to its slot without hashing: the first byte
// and length pick a candidate, one comparison confirms it; -1 for others.
func methodIndex(m string) int {
	if len(m) < 3 {
		return -1
	}
	i := -1
	switch m[0] {
	case 'G':
		i = 0
	case 'H':
		i = 1
	case 'P':
		switch len(m) {
		case 4:
			i = 2
		case 3:
			i = 3
		case 5:
			i = 4
		}
	case 'D':
		i = 5
	case 'O':
		i = 6
	case 'C':
		i = 7
	case 'T':
		i = 8
	}
	if i < 0 || methods[i] != m {
		return -1
	}
	return i
}
