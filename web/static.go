package web

import (
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"
	"sync"
)

// Static serves the directory root under relativePath. Symbolic links
// are followed only while they stay inside root (see Dir); to follow links
// anywhere, as gin does, use StaticFS with http.Dir.
func (g *RouterGroup) Static(relativePath, root string) IRoutes {
	return g.StaticFS(relativePath, Dir(root))
}

// Dir is an http.FileSystem over a directory that refuses paths, including
// symbolic links, that lead out of it (os.Root); http.Dir follows them.
func Dir(root string) http.FileSystem { return &rootDir{dir: root} }

// rootDir opens its os.Root on first use, so a directory created after
// the route is registered still works, and keeps it open.
type rootDir struct {
	dir  string
	mu   sync.Mutex
	root http.FileSystem
}

func (d *rootDir) Open(name string) (http.File, error) {
	d.mu.Lock()
	if d.root == nil {
		r, err := os.OpenRoot(d.dir)
		if err != nil {
			d.mu.Unlock()
			return nil, err
		}
		d.root = http.FS(r.FS())
	}
	fsys := d.root
	d.mu.Unlock()
	return fsys.Open(name)
}

// StaticFS serves fsys (e.g. http.FS of an embed.FS) under relativePath.
// Directories are served only through their index.html; paths holding
// "..", backslashes or NUL, raw or percent-encoded, are refused with 404.
// A missing file runs the NoRoute handlers, as an unrouted path would.
func (g *RouterGroup) StaticFS(relativePath string, fsys http.FileSystem) IRoutes {
	if strings.ContainsAny(relativePath, ":*{") {
		panic("web: static path " + relativePath + " must not hold wildcards")
	}
	pattern := path.Join(relativePath, "/*filepath")
	h := serveFS(fsys)
	g.GET(pattern, h)
	return g.HEAD(pattern, h)
}

// StaticFile serves one file at relativePath.
func (g *RouterGroup) StaticFile(relativePath, filepath string) IRoutes {
	h := func(c *Context) { c.File(filepath) }
	g.GET(relativePath, h)
	return g.HEAD(relativePath, h)
}

// StaticFileFS serves the file name of fsys at relativePath.
func (g *RouterGroup) StaticFileFS(relativePath, name string, fsys http.FileSystem) IRoutes {
	h := func(c *Context) { c.FileFromFS(name, fsys) }
	g.GET(relativePath, h)
	return g.HEAD(relativePath, h)
}

// FileFromFS serves the file name of fsys, with ranges and conditional
// requests; a missing file or a directory runs the NoRoute handlers.
func (c *Context) FileFromFS(name string, fsys http.FileSystem) {
	f, st, err := openFile(fsys, path.Clean("/"+name))
	if err != nil {
		c.notFound()
		return
	}
	defer f.Close()
	http.ServeContent(c.Writer, c.Request, st.Name(), st.ModTime(), f)
}

// openFile opens a regular file, or a directory's index.html.
func openFile(fsys http.FileSystem, name string) (http.File, fs.FileInfo, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, nil, err
	}
	st, err := f.Stat()
	if err == nil && st.IsDir() {
		f.Close()
		if f, err = fsys.Open(path.Join(name, "index.html")); err != nil {
			return nil, nil, err
		}
		st, err = f.Stat()
	}
	if err == nil && st.IsDir() {
		err = fs.ErrNotExist
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, st, nil
}

// notFound runs the engine's NoRoute handlers (then the default 404 body)
// from inside a route that found nothing to serve.
func (c *Context) notFound() {
	hs, idx := c.handlers, c.index
	c.handlers, c.index = c.engine.innerNoRoute, -1
	c.Status(http.StatusNotFound)
	c.Next()
	c.handlers = hs
	if !c.IsAborted() {
		c.index = idx
	}
}

func serveFS(fsys http.FileSystem) HandlerFunc {
	return func(c *Context) {
		name, ok := safePath(c.Param("filepath"))
		if !ok {
			c.notFound()
			return
		}
		c.FileFromFS(name, fsys)
	}
}

// safePath vets a requested file path: no parent segments, backslashes or
// NUL, also after one more round of percent-decoding, since some file
// systems or proxies decode again.
func safePath(p string) (string, bool) {
	for _, s := range []string{p, unescapeOnce(p)} {
		if strings.ContainsAny(s, "\\\x00") {
			return "", false
		}
		for _, seg := range strings.Split(s, "/") {
			if seg == ".." {
				return "", false
			}
		}
	}
	return path.Clean("/" + p), true
}

func unescapeOnce(p string) string {
	if u, err := url.PathUnescape(p); err == nil {
		return u
	}
	return p
}
