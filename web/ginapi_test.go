package web

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

func TestNegotiate(t *testing.T) {
	e := New()
	e.GET("/n", func(c *Context) {
		c.Negotiate(http.StatusOK, Negotiate{
			Offered: []string{MIMEJSON, MIMEXML, MIMEYAML, MIMEPlain},
			Data:    H{"a": 1},
			XMLData: struct {
				XMLName struct{} `xml:"r"`
				A       int      `xml:"a"`
			}{A: 1},
		})
	})
	for _, c := range []struct{ accept, want string }{
		{"", `{"a":1}`},
		{"application/json;q=0.1, application/xml", "<r><a>1</a></r>"}, // gin ignores q and sends JSON
		{"application/*;q=0.2, application/json;q=0, text/plain;q=0.1", "<r><a>1</a></r>"},
		{"application/yaml", "a: 1"},
		{"text/*", "map[a:1]"},
		{"*/*", `{"a":1}`},
	} {
		w := do(t, e, "GET", "/n", nil, "Accept", c.accept)
		expect(t, w, http.StatusOK, c.want)
	}
	expect(t, do(t, e, "GET", "/n", nil, "Accept", "image/png"), http.StatusNotAcceptable, "")
	expect(t, do(t, e, "GET", "/n", nil, "Accept", "application/json;q=0"), http.StatusNotAcceptable, "")
}

func TestHandleContext(t *testing.T) {
	var log bytes.Buffer
	e := New()
	e.Use(Logger(&LoggerConfig{Logger: slog.New(slog.NewTextHandler(&log, nil))}))
	e.GET("/old/:id", func(c *Context) {
		c.Request.URL.Path = "/new/" + c.Param("id")
		e.HandleContext(c)
	})
	e.GET("/new/:id", func(c *Context) { c.String(http.StatusCreated, "new %s", c.Param("id")) })
	e.GET("/loop", func(c *Context) { e.HandleContext(c) })
	expect(t, do(t, e, "GET", "/old/7", nil), http.StatusCreated, "new 7")
	if !strings.Contains(log.String(), "path=/old/7 status=201") {
		t.Fatalf("outer log %q", log.String())
	}
	expect(t, do(t, e, "GET", "/loop", nil), http.StatusLoopDetected, "")
}

func TestQueryAndPostFormMaps(t *testing.T) {
	e := New()
	e.POST("/m", func(c *Context) {
		q, qok := c.GetQueryMap("ids")
		f := c.PostFormMap("names")
		_, none := c.GetQueryMap("nope")
		arr, aok := c.GetQueryArray("x")
		c.JSON(http.StatusOK, H{"q": q, "qok": qok, "f": f, "none": none, "arr": arr, "aok": aok})
	})
	body := url.Values{"names[first]": {"ann"}, "names[last]": {"lee"}, "names[a][b]": {"no"}, "names": {"no"}}.Encode()
	w := do(t, e, "POST", "/m?ids[a]=1&ids[b]=2&ids[a]=3&idsx=9&x=1&x=2", strings.NewReader(body),
		"Content-Type", "application/x-www-form-urlencoded")
	expect(t, w, http.StatusOK, `{"aok":true,"arr":["1","2"],"f":{"first":"ann","last":"lee"},"none":false,"q":{"a":"1","b":"2"},"qok":true}`)
}

func TestTypedGetters(t *testing.T) {
	e := New()
	now := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	e.GET("/g", func(c *Context) {
		c.Set("b", true)
		c.Set("i", 3)
		c.Set("i64", int64(4))
		c.Set("u", uint(5))
		c.Set("u64", uint64(6))
		c.Set("f", 1.5)
		c.Set("t", now)
		c.Set("d", time.Second)
		c.Set("ss", []string{"x"})
		c.Set("sm", map[string]any{"k": 1})
		c.Set("sms", map[string]string{"k": "v"})
		c.Set("smss", map[string][]string{"k": {"v"}})
		c.Set("s", "str")
		ok := c.GetBool("b") && c.GetInt("i") == 3 && c.GetInt64("i64") == 4 && c.GetUint("u") == 5 &&
			c.GetUint64("u64") == 6 && c.GetFloat64("f") == 1.5 && c.GetTime("t").Equal(now) &&
			c.GetDuration("d") == time.Second && c.GetStringSlice("ss")[0] == "x" && c.GetStringMap("sm")["k"] == 1 &&
			c.GetStringMapString("sms")["k"] == "v" && c.GetStringMapStringSlice("smss")["k"][0] == "v" &&
			c.GetString("s") == "str"
		// A key of another type, or none, gives the zero value.
		zero := c.GetInt("s") == 0 && !c.GetBool("i") && c.GetString("missing") == "" && c.GetStringSlice("s") == nil
		c.String(http.StatusOK, "%v %v", ok, zero)
	})
	expect(t, do(t, e, "GET", "/g", nil), http.StatusOK, "true true")
}

func TestJSONVariants(t *testing.T) {
	e := New()
	e.GET("/secure", func(c *Context) { c.SecureJSON(http.StatusOK, []int{1, 2}) })
	e.GET("/secure-obj", func(c *Context) { c.SecureJSON(http.StatusOK, H{"a": 1}) })
	e.GET("/jsonp", func(c *Context) { c.JSONP(http.StatusOK, H{"a": "<b>"}) })
	e.GET("/pure", func(c *Context) { c.PureJSON(http.StatusOK, H{"html": "<b>&</b>"}) })
	e.GET("/ascii", func(c *Context) { c.AsciiJSON(http.StatusOK, H{"s": "é😀<"}) })
	w := do(t, e, "GET", "/secure", nil)
	if w.Body.String() != "while(1);[1,2]" {
		t.Fatalf("SecureJSON %q", w.Body.String())
	}
	if w := do(t, e, "GET", "/secure-obj", nil); w.Body.String() != `{"a":1}` {
		t.Fatalf("SecureJSON object %q", w.Body.String())
	}
	e.SecureJSONPrefix(")]}',\n")
	if w := do(t, e, "GET", "/secure", nil); w.Body.String() != ")]}',\n[1,2]" {
		t.Fatalf("SecureJSON custom prefix %q", w.Body.String())
	}
	w = do(t, e, "GET", "/jsonp?callback=app.cb_1", nil)
	if w.Body.String() != `/**/app.cb_1({"a":"\u003cb\u003e"});` || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/javascript") ||
		w.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("JSONP %q %v", w.Body.String(), w.Header())
	}
	for _, bad := range []string{"alert(1)//", "a..b", "1a", "a.", "<script>", strings.Repeat("a", 200)} {
		expect(t, do(t, e, "GET", "/jsonp?callback="+url.QueryEscape(bad), nil), http.StatusBadRequest, "bad callback")
	}
	expect(t, do(t, e, "GET", "/jsonp", nil), http.StatusOK, `{"a":"\u003cb\u003e"}`)
	if w := do(t, e, "GET", "/pure", nil); w.Body.String() != `{"html":"<b>&</b>"}` {
		t.Fatalf("PureJSON %q", w.Body.String())
	}
	if w := do(t, e, "GET", "/ascii", nil); w.Body.String() != `{"s":"\u00e9\ud83d\ude00\u003c"}` {
		t.Fatalf("AsciiJSON %q", w.Body.String())
	}
}

func TestYAMLAndProtoBuf(t *testing.T) {
	e := New()
	e.GET("/yaml", func(c *Context) { c.YAML(http.StatusOK, H{"name": "gee", "tags": []string{"a"}}) })
	e.GET("/yaml-bad", func(c *Context) { c.YAML(http.StatusOK, H{"f": func() {}}) })
	e.GET("/pb", func(c *Context) { c.ProtoBuf(http.StatusOK, wrapperspb.String("hello")) })
	w := do(t, e, "GET", "/yaml", nil)
	expect(t, w, http.StatusOK, "name: gee\ntags:\n    - a\n")
	if ct := w.Header().Get("Content-Type"); ct != "application/yaml; charset=utf-8" {
		t.Fatalf("YAML content type %q", ct)
	}
	expect(t, do(t, e, "GET", "/yaml-bad", nil), http.StatusInternalServerError, "")
	w = do(t, e, "GET", "/pb", nil)
	var got wrapperspb.StringValue
	if err := proto.Unmarshal(w.Body.Bytes(), &got); err != nil || got.GetValue() != "hello" {
		t.Fatalf("ProtoBuf: %v %q", err, got.GetValue())
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/x-protobuf" {
		t.Fatalf("ProtoBuf content type %q", ct)
	}
}

// csvRenderer is a user-defined format through the Render hook.
type csvRenderer struct {
	rows [][]string
	fail bool
}

func (csvRenderer) ContentType() string { return "text/csv" }

func (r csvRenderer) Render(w http.ResponseWriter) error {
	if r.fail {
		return errTest
	}
	for _, row := range r.rows {
		if _, err := w.Write([]byte(strings.Join(row, ",") + "\n")); err != nil {
			return err
		}
	}
	return nil
}

var errTest = &Error{Err: http.ErrNotSupported}

func TestRenderHook(t *testing.T) {
	e := New()
	e.GET("/csv", func(c *Context) { c.Render(http.StatusOK, csvRenderer{rows: [][]string{{"a", "b"}, {"1", "2"}}}) })
	e.GET("/fail", func(c *Context) { c.Render(http.StatusOK, csvRenderer{fail: true}) })
	w := do(t, e, "GET", "/csv", nil)
	expect(t, w, http.StatusOK, "a,b\n1,2\n")
	if w.Header().Get("Content-Type") != "text/csv" {
		t.Fatalf("content type %q", w.Header().Get("Content-Type"))
	}
	expect(t, do(t, e, "GET", "/fail", nil), http.StatusInternalServerError, "500")
}

func TestMatchAndSameSite(t *testing.T) {
	e := New()
	e.Match([]string{"GET", "POST"}, "/m", func(c *Context) {
		c.SetSameSite(http.SameSiteStrictMode)
		c.SetCookie("a", "1", 60, "", "", false, true)
		c.SetSameSite(http.SameSiteNoneMode)
		c.SetCookie("b", "2", 60, "", "", false, true)
		c.String(http.StatusOK, "%s", c.Request.Method)
	})
	expect(t, do(t, e, "POST", "/m", nil), http.StatusOK, "POST")
	expect(t, do(t, e, "PUT", "/m", nil), http.StatusMethodNotAllowed, "")
	w := do(t, e, "GET", "/m", nil)
	cookies := w.Header().Values("Set-Cookie")
	if len(cookies) != 2 || !strings.Contains(cookies[0], "SameSite=Strict") ||
		!strings.Contains(cookies[1], "SameSite=None") || !strings.Contains(cookies[1], "Secure") {
		t.Fatalf("cookies %q", cookies)
	}
	// The choice does not leak into the next request's pooled Context.
	e.GET("/plain", func(c *Context) { c.SetCookie("c", "3", 60, "", "", false, true) })
	if sc := do(t, e, "GET", "/plain", nil).Header().Get("Set-Cookie"); !strings.Contains(sc, "SameSite=Lax") {
		t.Fatalf("cookie %q", sc)
	}
}

func TestStaticFileFS(t *testing.T) {
	e := New()
	e.NoRoute(func(c *Context) { c.String(http.StatusNotFound, "custom 404") })
	e.StaticFileFS("/app.css", "testdata/public/app.css", http.FS(testFS))
	e.StaticFileFS("/gone.css", "testdata/public/gone.css", http.FS(testFS))
	expect(t, do(t, e, "GET", "/app.css", nil), http.StatusOK, "body{}")
	expect(t, do(t, e, "HEAD", "/app.css", nil), http.StatusOK, "")
	expect(t, do(t, e, "GET", "/gone.css", nil), http.StatusNotFound, "custom 404")
}
