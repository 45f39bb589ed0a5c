package middleware

import (
	"compress/gzip"
	"net/http"
	"strings"
	"sync"

	"github.com/gee-project/gee/web"
)

// Gzip compresses responses for clients that accept gzip, at the given
// level (gzip.DefaultCompression if 0). Already-encoded responses, HEAD
// requests and bodiless statuses pass through.
func Gzip(level int) web.HandlerFunc {
	if level == 0 {
		level = gzip.DefaultCompression
	}
	pool := sync.Pool{New: func() any {
		w, _ := gzip.NewWriterLevel(nil, level)
		return w
	}}
	return func(c *web.Context) {
		if c.Request.Method == http.MethodHead || !acceptsGzip(c.GetHeader("Accept-Encoding")) {
			c.Next()
			return
		}
		c.Writer.Header().Add("Vary", "Accept-Encoding")
		gw := &gzipWriter{ResponseWriter: c.Writer, pool: &pool}
		c.Writer = gw
		defer func() {
			gw.close()
			c.Writer = gw.ResponseWriter
		}()
		c.Next()
	}
}

func acceptsGzip(ae string) bool {
	for _, part := range strings.Split(ae, ",") {
		name, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") || strings.TrimSpace(name) == "*" {
			return strings.ReplaceAll(q, " ", "") != "q=0"
		}
	}
	return false
}

// gzipWriter decides on the first write whether to compress: not when the
// handler already set a Content-Encoding or the status has no body.
type gzipWriter struct {
	web.ResponseWriter
	pool    *sync.Pool
	gz      *gzip.Writer
	decided bool
}

func (g *gzipWriter) decide() {
	if g.decided {
		return
	}
	g.decided = true
	h := g.ResponseWriter.Header()
	st := g.ResponseWriter.Status()
	if h.Get("Content-Encoding") != "" || st < 200 || st == http.StatusNoContent || st == http.StatusNotModified {
		return
	}
	h.Set("Content-Encoding", "gzip")
	h.Del("Content-Length")
	g.gz = g.pool.Get().(*gzip.Writer)
	g.gz.Reset(g.ResponseWriter)
}

func (g *gzipWriter) Write(b []byte) (int, error) {
	g.decide()
	if g.gz == nil {
		return g.ResponseWriter.Write(b)
	}
	g.ResponseWriter.WriteHeaderNow()
	return g.gz.Write(b)
}

func (g *gzipWriter) WriteString(s string) (int, error) { return g.Write([]byte(s)) }

func (g *gzipWriter) Flush() {
	if g.gz != nil {
		_ = g.gz.Flush()
	}
	g.ResponseWriter.Flush()
}

func (g *gzipWriter) close() {
	if g.gz != nil {
		_ = g.gz.Close()
		g.gz.Reset(nil)
		g.pool.Put(g.gz)
		g.gz = nil
	}
}
