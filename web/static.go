package web

import (
	"net/http"
	"net/url"
	"path"
	"strings"
)

// Static serves the directory root under relativePath.
func (g *RouterGroup) Static(relativePath, root string) IRoutes {
	return g.StaticFS(relativePath, http.Dir(root))
}

// StaticFS serves fsys (e.g. http.FS of an embed.FS) under relativePath.
// Directories are served only through their index.html; paths holding
// "..", backslashes or NUL, raw or percent-encoded, are refused with 404.
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

func serveFS(fsys http.FileSystem) HandlerFunc {
	return func(c *Context) {
		name, ok := safePath(c.Param("filepath"))
		if !ok {
			c.String(http.StatusNotFound, "404 page not found")
			return
		}
		f, err := fsys.Open(name)
		if err != nil {
			c.String(http.StatusNotFound, "404 page not found")
			return
		}
		defer f.Close()
		st, err := f.Stat()
		if err == nil && st.IsDir() {
			f.Close()
			name = path.Join(name, "index.html")
			if f, err = fsys.Open(name); err == nil {
				defer f.Close()
				st, err = f.Stat()
			}
		}
		if err != nil || st.IsDir() {
			c.String(http.StatusNotFound, "404 page not found")
			return
		}
		http.ServeContent(c.Writer, c.Request, st.Name(), st.ModTime(), f)
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
