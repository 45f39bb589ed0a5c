package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

func (c *Context) queryValues() url.Values {
	if c.query == nil {
		c.query, c.extra = c.Request.URL.Query(), true
	}
	return c.query
}

// Query returns the first value of a URL query key, or "".
func (c *Context) Query(key string) string {
	v, _ := c.GetQuery(key)
	return v
}

// DefaultQuery returns the query value for key, or def when it is absent.
func (c *Context) DefaultQuery(key, def string) string {
	if v, ok := c.GetQuery(key); ok {
		return v
	}
	return def
}

// GetQuery returns the first query value for key and whether it is present.
func (c *Context) GetQuery(key string) (string, bool) {
	vs, ok := c.queryValues()[key]
	if !ok || len(vs) == 0 {
		return "", false
	}
	return vs[0], true
}

// QueryArray returns every query value for key.
func (c *Context) QueryArray(key string) []string { return c.queryValues()[key] }

// GetQueryArray returns every query value for key and whether there is one.
func (c *Context) GetQueryArray(key string) ([]string, bool) {
	vs := c.queryValues()[key]
	return vs, len(vs) > 0
}

// QueryMap collects the query keys key[sub]=v into a map of sub to v
// (the first value of each), e.g. ids[a]=1&ids[b]=2 for key "ids".
func (c *Context) QueryMap(key string) map[string]string {
	m, _ := c.GetQueryMap(key)
	return m
}

// GetQueryMap is QueryMap, also reporting whether any key matched.
func (c *Context) GetQueryMap(key string) (map[string]string, bool) {
	return bracketMap(c.queryValues(), key)
}

// PostFormMap is QueryMap for the body form.
func (c *Context) PostFormMap(key string) map[string]string {
	m, _ := c.GetPostFormMap(key)
	return m
}

// GetPostFormMap is PostFormMap, also reporting whether any key matched.
func (c *Context) GetPostFormMap(key string) (map[string]string, bool) {
	if err := c.parseForm(); err != nil {
		return map[string]string{}, false
	}
	return bracketMap(c.Request.PostForm, key)
}

// bracketMap gathers values of keys shaped key[sub].
func bracketMap(vals map[string][]string, key string) (map[string]string, bool) {
	m := map[string]string{}
	for k, vs := range vals {
		rest, ok := strings.CutPrefix(k, key+"[")
		if !ok || len(vs) == 0 {
			continue
		}
		if sub, ok := strings.CutSuffix(rest, "]"); ok && !strings.ContainsAny(sub, "[]") {
			m[sub] = vs[0]
		}
	}
	return m, len(m) > 0
}

// parseForm parses the body as a URL-encoded or multipart form, once,
// keeping a copy of a URL-encoded body so it can still be bound after.
func (c *Context) parseForm() error {
	r := c.Request
	if r.PostForm != nil {
		return nil
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if limit := c.maxBody(); limit >= 0 && r.Body != nil {
			if r.ContentLength > limit {
				return fmt.Errorf("parse multipart form: %w", &http.MaxBytesError{Limit: limit})
			}
			r.Body = http.MaxBytesReader(c.Writer, r.Body, limit)
		}
		if err := r.ParseMultipartForm(c.engine.MaxMultipartMemory); err != nil && !errors.Is(err, http.ErrNotMultipart) {
			return fmt.Errorf("parse multipart form: %w", err)
		}
		return nil
	}
	if _, err := c.bodyBytes(); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return fmt.Errorf("parse form: %w", err)
	}
	c.rewindBody()
	return nil
}

// PostForm returns the first value of a body form key, or "".
func (c *Context) PostForm(key string) string {
	v, _ := c.GetPostForm(key)
	return v
}

// DefaultPostForm returns the body form value for key, or def when absent.
func (c *Context) DefaultPostForm(key, def string) string {
	if v, ok := c.GetPostForm(key); ok {
		return v
	}
	return def
}

// GetPostForm returns the first body form value for key and whether it is present.
func (c *Context) GetPostForm(key string) (string, bool) {
	if err := c.parseForm(); err != nil {
		return "", false
	}
	vs := c.Request.PostForm[key]
	if len(vs) == 0 {
		return "", false
	}
	return vs[0], true
}

// GetPostFormArray returns every body form value for key and whether
// there is one.
func (c *Context) GetPostFormArray(key string) ([]string, bool) {
	vs := c.PostFormArray(key)
	return vs, len(vs) > 0
}

// PostFormArray returns every body form value for key.
func (c *Context) PostFormArray(key string) []string {
	_ = c.parseForm()
	return c.Request.PostForm[key]
}

// MultipartForm parses and returns the multipart form.
func (c *Context) MultipartForm() (*multipart.Form, error) {
	if err := c.parseForm(); err != nil {
		return nil, err
	}
	if c.Request.MultipartForm == nil {
		return nil, http.ErrNotMultipart
	}
	return c.Request.MultipartForm, nil
}

// FormFile returns the first uploaded file for the form key.
func (c *Context) FormFile(name string) (*multipart.FileHeader, error) {
	form, err := c.MultipartForm()
	if err != nil {
		return nil, err
	}
	fhs := form.File[name]
	if len(fhs) == 0 {
		return nil, fmt.Errorf("form file %q: %w", name, http.ErrMissingFile)
	}
	return fhs[0], nil
}

// SaveUploadedFile writes an uploaded file to dst.
func (c *Context) SaveUploadedFile(fh *multipart.FileHeader, dst string) error {
	src, err := fh.Open()
	if err != nil {
		return err
	}
	defer src.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return err
	}
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, src); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// DefaultMaxBodyBytes is Engine.MaxBodyBytes in New: the most request
// body binding, forms and GetRawData read before answering 413.
const DefaultMaxBodyBytes = 32 << 20

// SetBodyLimit sets the most body bytes binding, forms and GetRawData read
// for this request (n <= 0: no limit), overriding Engine.MaxBodyBytes;
// middleware.BodyLimit calls it, so one route can allow more or less.
func (c *Context) SetBodyLimit(n int64) {
	if n <= 0 {
		n = -1
	}
	c.bodyLimit, c.extra = n, true
}

// maxBody is the request's body limit, or -1 for none.
func (c *Context) maxBody() int64 {
	if c.bodyLimit != 0 {
		return c.bodyLimit
	}
	if n := c.engine.MaxBodyBytes; n > 0 {
		return n
	}
	return -1
}

// bodyBytes reads the body once and keeps it, so it can be bound again.
// It reads at most the body limit, and fails with *http.MaxBytesError
// beyond it (binding answers 413).
func (c *Context) bodyBytes() ([]byte, error) {
	if c.bodyRead {
		return c.body, c.bodyErr
	}
	c.bodyRead, c.extra = true, true
	if c.Request.Body == nil || c.Request.Body == http.NoBody {
		return nil, nil
	}
	limit := c.maxBody()
	if limit >= 0 && c.Request.ContentLength > limit {
		c.bodyErr = fmt.Errorf("read body: %w", &http.MaxBytesError{Limit: limit})
		return nil, c.bodyErr
	}
	var r io.Reader = c.Request.Body
	if limit >= 0 {
		r = io.LimitReader(r, limit+1)
	}
	b, err := io.ReadAll(r)
	if err == nil && limit >= 0 && int64(len(b)) > limit {
		err = &http.MaxBytesError{Limit: limit}
	}
	if err != nil {
		c.bodyErr = fmt.Errorf("read body: %w", err)
		return nil, c.bodyErr
	}
	c.body = b
	c.rewindBody()
	return b, nil
}

// rewindBody gives the request a fresh reader over the kept body.
func (c *Context) rewindBody() {
	if c.bodyRead {
		c.Request.Body = io.NopCloser(bytes.NewReader(c.body))
	}
}

// GetRawData returns the request body; it stays readable afterwards.
func (c *Context) GetRawData() ([]byte, error) { return c.bodyBytes() }

// GetHeader returns a request header.
func (c *Context) GetHeader(key string) string { return c.Request.Header.Get(key) }

// ContentType returns the request's media type without parameters.
func (c *Context) ContentType() string {
	ct := c.Request.Header.Get("Content-Type")
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	return strings.TrimSpace(ct)
}

// Cookie returns the named request cookie's value.
func (c *Context) Cookie(name string) (string, error) {
	ck, err := c.Request.Cookie(name)
	if err != nil {
		return "", err
	}
	return ck.Value, nil
}

// ClientIP returns the client's address. Forwarding headers are believed
// only when the direct peer is a trusted proxy (none by default).
func (c *Context) ClientIP() string {
	host, _, err := net.SplitHostPort(strings.TrimSpace(c.Request.RemoteAddr))
	if err != nil {
		host = c.Request.RemoteAddr
	}
	if len(c.engine.trusted) == 0 {
		return host // the common case: no proxy to believe, nothing to parse
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !c.engine.isTrusted(peer) {
		return host
	}
	for _, h := range c.engine.ipHeader {
		if ip, ok := c.engine.fromHeader(c.Request.Header.Get(h)); ok {
			return ip
		}
	}
	return host
}

// fromHeader walks a forwarding list right to left, skipping trusted hops.
func (e *Engine) fromHeader(v string) (string, bool) {
	if v == "" {
		return "", false
	}
	parts := strings.Split(v, ",")
	for i := len(parts) - 1; i >= 0; i-- {
		ip, err := netip.ParseAddr(strings.TrimSpace(parts[i]))
		if err != nil {
			return "", false
		}
		if i == 0 || !e.isTrusted(ip) {
			return ip.String(), true
		}
	}
	return "", false
}

// peerTrusted reports whether the direct peer is a trusted proxy.
func (e *Engine) peerTrusted(remoteAddr string) bool {
	host, _, err := net.SplitHostPort(strings.TrimSpace(remoteAddr))
	if err != nil {
		host = remoteAddr
	}
	peer, err := netip.ParseAddr(host)
	return err == nil && e.isTrusted(peer)
}

func (e *Engine) isTrusted(ip netip.Addr) bool {
	ip = ip.Unmap()
	for _, p := range e.trusted {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return p, fmt.Errorf("trusted proxy %q: %w", s, err)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("trusted proxy %q: %w", s, err)
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}
