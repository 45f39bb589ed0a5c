package web

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gee-project/gee/web/binding"
)

// countingReader yields n bytes of JSON string content and counts what
// was read, without holding the body in memory.
type countingReader struct {
	left, read int64
	head       string
}

func (r *countingReader) Read(p []byte) (int, error) {
	if r.head != "" {
		n := copy(p, r.head)
		r.head = r.head[n:]
		r.read += int64(n)
		return n, nil
	}
	if r.left == 0 {
		return 0, io.EOF
	}
	n := int64(len(p))
	if n > r.left {
		n = r.left
	}
	for i := range p[:n] {
		p[i] = 'a'
	}
	r.left -= n
	r.read += n
	return int(n), nil
}

func bindHandler(c *Context) {
	var m map[string]any
	if c.Bind(&m) != nil {
		return
	}
	c.String(http.StatusOK, "bound")
}

func TestBodyLimitDefault(t *testing.T) {
	e := New()
	if e.MaxBodyBytes != 32<<20 {
		t.Fatalf("default MaxBodyBytes %d", e.MaxBodyBytes)
	}
	e.POST("/j", bindHandler)
	// A declared length over the limit is refused before reading.
	body := &countingReader{left: 100 << 20, head: `{"a":"`}
	r := mustReq("POST", "/j")
	r.Body, r.ContentLength = io.NopCloser(body), 100<<20+6
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	e.ServeHTTP(w, r)
	expect(t, w, http.StatusRequestEntityTooLarge, "too large")
	if body.read != 0 {
		t.Fatalf("read %d bytes of a body declared too large", body.read)
	}
}

func TestBodyLimitChunked(t *testing.T) {
	e := New()
	e.MaxBodyBytes = 1 << 20
	e.POST("/j", bindHandler)
	body := &countingReader{left: 100 << 20, head: `{"a":"`}
	r := mustReq("POST", "/j")
	r.Body, r.ContentLength = io.NopCloser(body), -1 // unknown length
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	e.ServeHTTP(w, r)
	expect(t, w, http.StatusRequestEntityTooLarge, "")
	if body.read > 2<<20 {
		t.Fatalf("read %d bytes past a 1 MiB limit", body.read)
	}
	// Under the limit binds.
	expect(t, do(t, e, "POST", "/j", strings.NewReader(`{"a":1}`), "Content-Type", "application/json"), 200, "bound")
}

func TestBodyLimitPerRoute(t *testing.T) {
	e := New()
	e.MaxBodyBytes = 1 << 10
	e.POST("/small", bindHandler)
	limit := func(n int64) HandlerFunc { return func(c *Context) { c.SetBodyLimit(n) } }
	e.POST("/big", limit(64<<10), bindHandler)
	e.POST("/tiny", limit(8), bindHandler)
	e.POST("/free", func(c *Context) { c.SetBodyLimit(0); bindHandler(c) })
	big := `{"a":"` + strings.Repeat("x", 10<<10) + `"}`
	post := func(path, body string) *httptest.ResponseRecorder {
		return do(t, e, "POST", path, &chunked{strings.NewReader(body)}, "Content-Type", "application/json")
	}
	expect(t, post("/small", big), http.StatusRequestEntityTooLarge, "")
	expect(t, post("/big", big), http.StatusOK, "bound")
	expect(t, post("/free", big), http.StatusOK, "bound")
	expect(t, post("/tiny", `{"a":"0123456789"}`), http.StatusRequestEntityTooLarge, "")
	expect(t, post("/small", `{"a":1}`), http.StatusOK, "bound")
}

func TestBodyLimitMultipartAndForm(t *testing.T) {
	e := New()
	e.MaxBodyBytes = 1 << 10
	e.POST("/f", func(c *Context) {
		var v struct {
			A string `form:"a"`
		}
		if c.Bind(&v) != nil {
			return
		}
		c.String(http.StatusOK, "%d", len(v.A))
	})
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("a", strings.Repeat("x", 4<<10))
	_ = mw.Close()
	expect(t, do(t, e, "POST", "/f", &chunked{&buf}, "Content-Type", mw.FormDataContentType()), http.StatusRequestEntityTooLarge, "")
	form := "a=" + strings.Repeat("x", 4<<10)
	expect(t, do(t, e, "POST", "/f", &chunked{strings.NewReader(form)}, "Content-Type", "application/x-www-form-urlencoded"), http.StatusRequestEntityTooLarge, "")
	expect(t, do(t, e, "POST", "/f", strings.NewReader("a=xyz"), "Content-Type", "application/x-www-form-urlencoded"), http.StatusOK, "3")
}

// chunked hides the reader's length, so the request's length is unknown.
type chunked struct{ r io.Reader }

func (c *chunked) Read(p []byte) (int, error) { return c.r.Read(p) }

// Bind's 400 bodies name fields as the request spells them and the rule
// or expectation, never Go types, struct or field names.
func TestBindErrorsHideGoTypes(t *testing.T) {
	type address struct {
		Zip string `json:"zip" binding:"required,len=5"`
	}
	type order struct {
		Qty     int       `json:"qty" form:"qty" binding:"gte=1"`
		Price   float64   `json:"price" form:"price"`
		Items   []string  `json:"items" binding:"dive,max=3"`
		Address address   `json:"address"`
		Addrs   []address `json:"addrs" binding:"dive"`
	}
	e := New()
	e.POST("/o", func(c *Context) {
		var o order
		if c.Bind(&o) != nil {
			return
		}
		c.String(http.StatusOK, "ok")
	})
	cases := []struct{ ct, body, want string }{
		{"application/json", `{"qty":"many","address":{"zip":"12345"}}`, `field \"qty\": want an integer in range, got string`},
		{"application/json", `{"qty":1,"address":{"zip":[1]}}`, `field \"address.zip\": want a string, got array`},
		{"application/json", `{"qty":1,"price":true,"address":{"zip":"12345"}}`, `want a number, got bool`},
		{"application/json", `{"qty":0,"address":{"zip":"12345"}}`, `{"field":"qty","rule":"gte=1"}`},
		{"application/json", `{"qty":1,"address":{"zip":"1"}}`, `{"field":"address.zip","rule":"len=5"}`},
		{"application/json", `{"qty":1,"address":{"zip":"12345"},"items":["abcd"]}`, `{"field":"items[0]","rule":"max=3"}`},
		{"application/json", `{"qty":1,"address":{"zip":"12345"},"addrs":[{"zip":"1"}]}`, `{"field":"addrs[0].zip","rule":"len=5"}`},
		{"application/x-www-form-urlencoded", `qty=9999999999999999999999`, `form \"qty\": invalid value`},
	}
	for _, c := range cases {
		w := do(t, e, "POST", "/o", strings.NewReader(c.body), "Content-Type", c.ct)
		expect(t, w, http.StatusBadRequest, c.want)
		for _, leak := range []string{"order", "address{", "Address", "Zip", "Qty", "int64", "float64", "of type", "Go ", "struct", "web."} {
			if strings.Contains(w.Body.String(), leak) {
				t.Errorf("%s: body %s leaks %q", c.body, w.Body.String(), leak)
			}
		}
	}
}

// A bad bind target is the server's bug: 500, details only in c.Errors.
func TestBindBadTargetIs500(t *testing.T) {
	e := New()
	var logged string
	e.POST("/o", func(c *Context) {
		var notPtr struct{ A chan int }
		err := c.ShouldBindWith(notPtr, binding.Query)
		_ = c.abortOnBindError(err)
		logged = c.Errors.String()
	})
	w := do(t, e, "POST", "/o", nil)
	expect(t, w, http.StatusInternalServerError, "internal server error")
	if strings.Contains(w.Body.String(), "struct") || !strings.Contains(logged, "pointer") {
		t.Fatalf("body %q, logged %q", w.Body.String(), logged)
	}
}
