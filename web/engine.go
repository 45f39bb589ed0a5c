package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"github.com/gee-project/gee/web/internal/tree"
)

// Engine is the framework's router and http.Handler. Create it with New or
// Default, register routes, then serve it or call Run.
type Engine struct {
	RouterGroup

	// RedirectTrailingSlash redirects /foo/ to /foo (or back) when only the
	// other form is routed: 301 for GET, 308 otherwise. Default true.
	RedirectTrailingSlash bool
	// RedirectFixedPath redirects a path that matches only once cleaned
	// and/or compared case-insensitively. Default false.
	RedirectFixedPath bool
	// HandleMethodNotAllowed answers 405 with an Allow header when the path
	// is routed for other methods. Default true.
	HandleMethodNotAllowed bool
	// HandleOPTIONS answers OPTIONS automatically with an Allow header when
	// no OPTIONS route matches. Default true.
	HandleOPTIONS bool
	// RemoveExtraSlash matches the cleaned path (repeated slashes and dot
	// segments removed) without a redirect. Default false.
	RemoveExtraSlash bool
	// UseRawPath matches on the escaped path, so a param may hold "%2F";
	// param values are unescaped. Default false.
	UseRawPath bool
	// UseH2C makes servers from NewServer (Run, Serve) also accept HTTP/2
	// without TLS (h2c), for use behind a proxy that speaks it. Default false.
	UseH2C bool
	// MaxMultipartMemory bounds the memory ParseMultipartForm may use.
	MaxMultipartMemory int64
	// MaxBodyBytes bounds the request body that binding, forms and
	// GetRawData read: beyond it they fail and Bind answers 413. Default
	// DefaultMaxBodyBytes (32 MiB); 0 or less: no limit. A route can set
	// its own with middleware.BodyLimit or Context.SetBodyLimit.
	MaxBodyBytes int64

	trees     [len(methods)]*tree.Tree[HandlersChain]
	custom    map[string]*tree.Tree[HandlersChain]
	routes    []RouteInfo
	maxParams int

	noRoute, noMethod       HandlersChain
	allNoRoute, allNoMethod HandlersChain
	allOptions, allRedirect HandlersChain
	innerNoRoute            HandlersChain // noRoute for a route that gives up (StaticFS)

	trusted  []netip.Prefix
	ipHeader []string

	secureJSONPrefix string

	funcMap   template.FuncMap
	delims    [2]string
	templates *template.Template
	pool      ctxPool
}

// New returns an engine without middleware.
func New() *Engine {
	e := &Engine{
		RedirectTrailingSlash:  true,
		HandleMethodNotAllowed: true,
		HandleOPTIONS:          true,
		MaxMultipartMemory:     32 << 20,
		MaxBodyBytes:           DefaultMaxBodyBytes,
		ipHeader:               []string{"X-Forwarded-For", "X-Real-IP"},
	}
	e.RouterGroup = RouterGroup{basePath: "/", engine: e, root: true}
	e.pool.init(e.newContext)
	e.rebuild404()
	e.rebuild405()
	return e
}

// Default returns an engine with the Logger and Recovery middleware.
func Default() *Engine {
	e := New()
	e.Use(Logger(nil), Recovery(nil))
	return e
}

func (e *Engine) newContext() *Context {
	c := &Context{engine: e, Params: make(Params, 0, e.maxParams)}
	c.Writer = &c.w
	return c
}

// Use appends global middleware, which also runs for 404, 405 and
// automatic OPTIONS answers.
func (e *Engine) Use(middleware ...HandlerFunc) IRoutes {
	e.RouterGroup.Use(middleware...)
	e.rebuild404()
	e.rebuild405()
	return e
}

// NoRoute sets the handlers for requests no route matches, and for
// StaticFS files that do not exist.
func (e *Engine) NoRoute(handlers ...HandlerFunc) {
	mustNotBeNil("NoRoute", handlers)
	e.noRoute = handlers
	e.rebuild404()
}

// NoMethod sets the handlers for paths routed only for other methods.
func (e *Engine) NoMethod(handlers ...HandlerFunc) {
	mustNotBeNil("NoMethod", handlers)
	e.noMethod = handlers
	e.rebuild405()
}

func (e *Engine) rebuild404() {
	e.innerNoRoute = append(e.noRoute[:len(e.noRoute):len(e.noRoute)], notFoundBody)
	e.allNoRoute = e.combineHandlers(e.innerNoRoute)
	e.allOptions = e.combineHandlers(HandlersChain{answerOptions})
	e.allRedirect = e.combineHandlers(HandlersChain{answerRedirect})
}

func (e *Engine) rebuild405() {
	e.allNoMethod = e.combineHandlers(append(e.noMethod[:len(e.noMethod):len(e.noMethod)], notAllowedBody))
}

// Routes lists every registered route in registration order.
func (e *Engine) Routes() []RouteInfo { return append([]RouteInfo(nil), e.routes...) }

// SetTrustedProxies sets the proxies (addresses or CIDRs) whose forwarding
// headers ClientIP believes. By default no proxy is trusted.
func (e *Engine) SetTrustedProxies(proxies []string) error {
	var ps []netip.Prefix
	for _, p := range proxies {
		pfx, err := parsePrefix(p)
		if err != nil {
			return err
		}
		ps = append(ps, pfx)
	}
	e.trusted = ps
	return nil
}

// SetRemoteIPHeaders sets the headers ClientIP reads behind a trusted proxy.
func (e *Engine) SetRemoteIPHeaders(headers ...string) { e.ipHeader = headers }

func (e *Engine) addRoute(method, path string, handlers HandlersChain) error {
	t := e.treeFor(method, true)
	if err := t.Add(path, handlers); err != nil {
		return err
	}
	e.maxParams = max(e.maxParams, t.MaxParams())
	e.routes = append(e.routes, RouteInfo{Method: method, Path: path,
		Handler: nameOf(handlers.Last()), HandlerFunc: handlers.Last()})
	return nil
}

func (e *Engine) treeFor(method string, create bool) *tree.Tree[HandlersChain] {
	if i := methodIndex(method); i >= 0 {
		if e.trees[i] == nil && create {
			e.trees[i] = &tree.Tree[HandlersChain]{}
		}
		return e.trees[i]
	}
	if e.custom == nil {
		if !create {
			return nil
		}
		e.custom = map[string]*tree.Tree[HandlersChain]{}
	}
	t := e.custom[method]
	if t == nil && create {
		t = &tree.Tree[HandlersChain]{}
		e.custom[method] = t
	}
	return t
}

// ServeHTTP routes the request and runs the matched handlers. The hit
// path is kept inline and short; misses, raw paths (UseRawPath) and
// cleaned ones (RemoveExtraSlash) go to handleSlow.
func (e *Engine) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var c *Context // take this P's Context, else one from the sync.Pool
	pid := procPin()
	if uint(pid) < uint(len(e.pool.slots)) {
		c = e.pool.slots[pid].take()
	}
	procUnpin()
	if c == nil {
		c = e.pool.pool.Get().(*Context)
	}
	c.w.reset(w)
	c.Request = r
	c.reset()
	var t *tree.Tree[HandlersChain]
	if i := methodIndex(r.Method); i >= 0 {
		t = e.trees[i]
	} else {
		t = e.custom[r.Method]
	}
	if t != nil && !e.UseRawPath && !e.RemoveExtraSlash {
		if hs, full, ok := t.Find(r.URL.Path, &c.Params); ok {
			c.handlers, c.fullPath = hs, full
			c.Next()
			// A bodiless 200 needs no explicit header: net/http sends it.
			if c.w.status != http.StatusOK {
				c.w.WriteHeaderNow()
			}
			pid = procPin() // e.pool.put(c), by hand
			if uint(pid) < uint(len(e.pool.slots)) && e.pool.slots[pid].give(c) {
				c = nil
			}
			procUnpin()
			if c != nil {
				e.pool.pool.Put(c)
			}
			return
		}
	}
	c.handlers, c.fullPath = nil, ""
	e.handleSlow(c, t)
	e.pool.put(c)
}

// HandleContext routes c's request again from the start, e.g. after a
// handler rewrote c.Request.URL.Path: an internal redirect. The new pass
// gets its own Context (so its params and keys), writing through c.Writer,
// so middleware around c (the Logger) sees its answer. More than 8
// nested passes are refused with 508, against rewrite loops.
func (e *Engine) HandleContext(c *Context) {
	depth, _ := c.Request.Context().Value(handleDepthKey{}).(int)
	if depth >= maxHandleDepth {
		c.Error(fmt.Errorf("web: HandleContext nested %d deep: rewrite loop?", depth))
		c.AbortWithStatus(http.StatusLoopDetected)
		return
	}
	c.Abort() // the rest of c's chain must not run after the new pass
	r := c.Request.WithContext(context.WithValue(c.Request.Context(), handleDepthKey{}, depth+1))
	e.ServeHTTP(c.Writer, r)
}

const maxHandleDepth = 8

// handleDepthKey carries HandleContext's nesting to the next Context.
type handleDepthKey struct{}

func (e *Engine) handleSlow(c *Context, t *tree.Tree[HandlersChain]) {
	r := c.Request
	path := r.URL.Path
	raw := e.UseRawPath && r.URL.RawPath != ""
	if raw {
		path = r.URL.RawPath
	}
	if e.RemoveExtraSlash {
		path = tree.CleanPath(path)
	}
	if t != nil {
		if hs, full, ok := t.Find(path, &c.Params); ok {
			if raw {
				unescapeParams(c.Params)
			}
			c.handlers, c.fullPath = hs, full
			c.Next()
			c.w.WriteHeaderNow()
			return
		}
		if r.Method != http.MethodConnect && path != "/" {
			if target, ok := e.redirectTarget(c, t, path); ok {
				code := http.StatusMovedPermanently
				if r.Method != http.MethodGet {
					code = http.StatusPermanentRedirect // keeps the method and body
				}
				c.redirect = e.location(c, target, raw)
				e.serveError(c, e.allRedirect, code)
				return
			}
		}
	}
	if r.Method == http.MethodOptions && e.HandleOPTIONS {
		if allow := e.allowed(c, path); allow != "" {
			c.w.Header().Set("Allow", allow)
			e.serveError(c, e.allOptions, http.StatusNoContent)
			return
		}
	}
	if e.HandleMethodNotAllowed {
		if allow := e.allowed(c, path); allow != "" {
			c.w.Header().Set("Allow", allow)
			e.serveError(c, e.allNoMethod, http.StatusMethodNotAllowed)
			return
		}
	}
	e.serveError(c, e.allNoRoute, http.StatusNotFound)
}

func unescapeParams(ps Params) {
	for i := range ps {
		if v, err := url.PathUnescape(ps[i].Value); err == nil {
			ps[i].Value = v
		}
	}
}

// serveError runs a 404/405/OPTIONS/redirect chain with code preset. The
// default bodies are written by the chains' last handlers, so middleware
// such as the Logger sees their size.
func (e *Engine) serveError(c *Context, hs HandlersChain, code int) {
	c.handlers = hs
	c.w.status = code
	c.Next()
	c.w.WriteHeaderNow()
}

// defaultBody writes body unless a handler already answered or changed
// the preset status.
func defaultBody(c *Context, code int, body string) {
	if c.w.Written() || c.w.status != code {
		return
	}
	c.w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = c.w.WriteString(body)
}

func notFoundBody(c *Context) { defaultBody(c, http.StatusNotFound, "404 page not found") }

func notAllowedBody(c *Context) {
	defaultBody(c, http.StatusMethodNotAllowed, "405 method not allowed")
}

// answerOptions is the automatic OPTIONS handler; Allow is already set.
func answerOptions(c *Context) { c.Status(http.StatusNoContent) }

// answerRedirect sends the router's redirect to c.redirect, unless a
// middleware answered already.
func answerRedirect(c *Context) {
	if !c.w.Written() {
		http.Redirect(&c.w, c.Request, c.redirect, c.w.status)
	}
}

// allowed lists the methods whose trees match path, for Allow headers.
func (e *Engine) allowed(c *Context, path string) string {
	var b strings.Builder
	options := false
	add := func(m string, t *tree.Tree[HandlersChain]) {
		if t == nil {
			return
		}
		ps := c.Params[:0]
		if _, _, ok := t.Find(path, &ps); ok {
			if b.Len() > 0 {
				b.WriteString(", ")
			}
			b.WriteString(m)
			options = options || m == http.MethodOptions
		}
	}
	for i, m := range methods {
		add(m, e.trees[i])
	}
	for m, t := range e.custom {
		add(m, t)
	}
	if b.Len() > 0 && e.HandleOPTIONS && !options {
		b.WriteString(", OPTIONS")
	}
	return b.String()
}

// redirectTarget finds the path a miss should be redirected to: with the
// trailing slash toggled, else (RedirectFixedPath) cleaned and with case
// and trailing slash fixed in one step.
func (e *Engine) redirectTarget(c *Context, t *tree.Tree[HandlersChain], path string) (string, bool) {
	if e.RedirectTrailingSlash {
		alt := path + "/"
		if strings.HasSuffix(path, "/") {
			alt = path[:len(path)-1]
		}
		ps := c.Params[:0]
		if _, _, ok := t.Find(alt, &ps); ok {
			return alt, true
		}
	}
	if e.RedirectFixedPath {
		if fixed, ok := t.FindFold(tree.CleanPath(path), e.RedirectTrailingSlash); ok && fixed != path {
			return fixed, true
		}
	}
	return "", false
}

// location builds the Location for a redirect to path (escaped when raw),
// keeping the query and a vetted X-Forwarded-Prefix from a trusted proxy.
func (e *Engine) location(c *Context, path string, raw bool) string {
	u := url.URL{Path: path}
	if raw {
		// path is already escaped: keep it as is rather than escape its '%'.
		u.Path, _ = url.PathUnescape(path)
		u.RawPath = path
	}
	target := u.EscapedPath()
	if prefix, ok := e.forwardedPrefix(c); ok {
		target = prefix + target
	}
	// A leading "//" would make the Location a protocol-relative URL to another host.
	target = "/" + strings.TrimLeft(target, "/")
	if q := c.Request.URL.RawQuery; q != "" {
		target += "?" + q
	}
	return target
}

// forwardedPrefix returns the X-Forwarded-Prefix a trusted proxy sent, if
// it is a clean path of URL-safe characters. gin believes it from anyone
// and filters it by regexp, which let crafted values steer redirects.
func (e *Engine) forwardedPrefix(c *Context) (string, bool) {
	v := c.Request.Header.Get("X-Forwarded-Prefix")
	if v == "" || len(e.trusted) == 0 || !e.peerTrusted(c.Request.RemoteAddr) {
		return "", false
	}
	if v[0] != '/' || len(v) > 256 {
		return "", false
	}
	for i := 0; i < len(v); i++ {
		if !isPrefixByte(v[i]) {
			return "", false
		}
	}
	if clean := tree.CleanPath(v); clean != v && clean+"/" != v {
		return "", false // dot segments or repeated slashes
	}
	return strings.TrimRight(v, "/"), true
}

// isPrefixByte reports whether b may appear in a forwarded prefix: the
// unreserved URL characters and '/'.
func isPrefixByte(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' ||
		b == '-' || b == '.' || b == '_' || b == '~' || b == '/'
}
