package web

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Status sets the response status; it is sent with the first body byte.
func (c *Context) Status(code int) { c.Writer.WriteHeader(code) }

// Header sets a response header; an empty value deletes it.
func (c *Context) Header(key, value string) {
	if value == "" {
		c.Writer.Header().Del(key)
		return
	}
	c.Writer.Header().Set(key, value)
}

// SetSameSite sets the SameSite attribute of cookies SetCookie adds later
// in this request (default http.SameSiteLaxMode).
func (c *Context) SetSameSite(s http.SameSite) { c.sameSite, c.extra = s, true }

// SetCookie adds a Set-Cookie header. SameSite is Lax unless SetSameSite
// chose otherwise (gin sends none by default). SameSite=None cookies are
// always Secure, as browsers require.
func (c *Context) SetCookie(name, value string, maxAge int, path, domain string, secure, httpOnly bool) {
	if path == "" {
		path = "/"
	}
	same := c.sameSite
	if same == 0 {
		same = http.SameSiteLaxMode
	}
	http.SetCookie(c.Writer, &http.Cookie{
		Name: name, Value: url.QueryEscape(value), MaxAge: maxAge, Path: path,
		Domain: domain, Secure: secure || same == http.SameSiteNoneMode, HttpOnly: httpOnly, SameSite: same,
	})
}

func (c *Context) setType(ct string) {
	h := c.Writer.Header()
	if _, ok := h["Content-Type"]; !ok {
		h["Content-Type"] = []string{ct}
	}
}

// bodyAllowed reports whether the status may carry a body.
func bodyAllowed(code int) bool {
	return code >= 200 && code != http.StatusNoContent && code != http.StatusNotModified
}

// JSON writes obj as JSON. An encoding error answers 500 and is recorded.
func (c *Context) JSON(code int, obj any) {
	b, err := json.Marshal(obj)
	c.writeEncoded(code, "application/json; charset=utf-8", b, err)
}

// IndentedJSON writes obj as indented JSON.
func (c *Context) IndentedJSON(code int, obj any) {
	b, err := json.MarshalIndent(obj, "", "    ")
	c.writeEncoded(code, "application/json; charset=utf-8", b, err)
}

// XML writes obj as XML.
func (c *Context) XML(code int, obj any) {
	b, err := xml.Marshal(obj)
	c.writeEncoded(code, "application/xml; charset=utf-8", b, err)
}

func (c *Context) writeEncoded(code int, ct string, b []byte, err error) {
	if err != nil {
		c.Error(fmt.Errorf("render: %w", err))
		code, ct, b = http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("500 internal server error")
	}
	c.Data(code, ct, b)
}

// String writes a text body, formatted with fmt.Sprintf when args are given.
func (c *Context) String(code int, format string, args ...any) {
	c.setType("text/plain; charset=utf-8")
	c.Status(code)
	if !bodyAllowed(code) {
		c.Writer.WriteHeaderNow()
		return
	}
	if len(args) > 0 {
		_, _ = fmt.Fprintf(c.Writer, format, args...)
		return
	}
	_, _ = c.Writer.WriteString(format)
}

// Data writes raw bytes with the given content type.
func (c *Context) Data(code int, contentType string, data []byte) {
	c.setType(contentType)
	c.Status(code)
	if !bodyAllowed(code) {
		c.Writer.WriteHeaderNow()
		return
	}
	_, _ = c.Writer.Write(data)
}

// DataFromReader streams length bytes (or all, if length < 0) from r.
func (c *Context) DataFromReader(code int, length int64, contentType string, r io.Reader, headers map[string]string) {
	for k, v := range headers {
		c.Header(k, v)
	}
	if length >= 0 {
		c.Header("Content-Length", fmt.Sprint(length))
		r = io.LimitReader(r, length)
	}
	c.setType(contentType)
	c.Status(code)
	_, _ = io.Copy(c.Writer, r)
}

// HTML renders the named template loaded with LoadHTMLGlob or LoadHTMLFS.
func (c *Context) HTML(code int, name string, data any) {
	t := c.engine.templates
	if t == nil {
		c.Error(fmt.Errorf("render: HTML %q: no templates loaded", name))
		c.String(http.StatusInternalServerError, "500 internal server error")
		return
	}
	var buf strings.Builder
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		c.Error(fmt.Errorf("render: HTML %q: %w", name, err))
		c.String(http.StatusInternalServerError, "500 internal server error")
		return
	}
	c.setType("text/html; charset=utf-8")
	c.Status(code)
	_, _ = c.Writer.WriteString(buf.String())
}

// File serves a file from disk, with ranges and conditional requests.
func (c *Context) File(path string) {
	http.ServeFile(c.Writer, c.Request, path)
}

// FileAttachment serves a file as a download named filename.
func (c *Context) FileAttachment(path, filename string) {
	c.Header("Content-Disposition", fmt.Sprintf("attachment; filename=%q", filename))
	http.ServeFile(c.Writer, c.Request, path)
}

// Redirect answers with a redirect to location; code must be 3xx (or 201).
func (c *Context) Redirect(code int, location string) {
	if (code < 300 || code > 308) && code != http.StatusCreated {
		c.Error(fmt.Errorf("render: cannot redirect with status %d", code))
		c.String(http.StatusInternalServerError, "500 internal server error")
		return
	}
	http.Redirect(c.Writer, c.Request, location, code)
}

// Stream calls step until it returns false or the client goes away,
// flushing after each step. It reports whether the client went away.
func (c *Context) Stream(step func(w io.Writer) bool) bool {
	done := c.Request.Context().Done()
	for {
		select {
		case <-done:
			return true
		default:
			keep := step(c.Writer)
			c.Writer.Flush()
			if !keep {
				return false
			}
		}
	}
}

// SSEvent writes one server-sent event; data is sent as is when it is a
// string and as JSON otherwise.
func (c *Context) SSEvent(name string, data any) {
	h := c.Writer.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	var payload string
	switch v := data.(type) {
	case string:
		payload = v
	case []byte:
		payload = string(v)
	default:
		b, err := json.Marshal(v)
		if err != nil {
			c.Error(fmt.Errorf("render: SSE %q: %w", name, err))
			return
		}
		payload = string(b)
	}
	var b strings.Builder
	if name != "" {
		b.WriteString("event: " + stripNewlines(name) + "\n")
	}
	for _, line := range strings.Split(payload, "\n") {
		b.WriteString("data: " + strings.TrimSuffix(line, "\r") + "\n")
	}
	b.WriteString("\n")
	_, _ = c.Writer.WriteString(b.String())
}

func stripNewlines(s string) string { return strings.NewReplacer("\n", "", "\r", "").Replace(s) }
