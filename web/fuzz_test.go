package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// FuzzNegotiateFormat: any Accept header gives "" or an offered type, and
// never one the header refuses outright with q=0.
func FuzzNegotiateFormat(f *testing.F) {
	for _, s := range []string{"", "*/*", "application/json;q=0.1, application/xml", "text/*;q=0.5,text/html;q=0",
		"application/json;q=abc", "a/b/c;;;q==1,", "TEXT/PLAIN;Q=1.0", "*/*;q=0"} {
		f.Add(s)
	}
	offered := []string{MIMEJSON, MIMEXML, MIMEHTML, MIMEPlain}
	f.Fuzz(func(t *testing.T, accept string) {
		c := &Context{Request: &http.Request{Header: http.Header{"Accept": {accept}}}}
		got := c.NegotiateFormat(offered...)
		if got == "" {
			return
		}
		if !slices.Contains(offered, got) {
			t.Fatalf("Accept %q: %q was not offered", accept, got)
		}
		if strings.TrimSpace(accept) != "" && acceptQ([]string{accept}, got) <= 0 {
			t.Fatalf("Accept %q: chose %q, which it rates 0", accept, got)
		}
	})
}

// FuzzForwardedPrefix: a prefix that is used is a clean rooted path of
// URL-safe characters, so it cannot make a redirect leave the host.
func FuzzForwardedPrefix(f *testing.F) {
	for _, s := range []string{"/api", "//evil", "/a/../b", "/a b", "https://x", "/%2e", "/a/", "/", "\\\\x"} {
		f.Add(s)
	}
	e := New()
	if err := e.SetTrustedProxies([]string{"127.0.0.1"}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, v string) {
		c := &Context{engine: e, Request: &http.Request{URL: &url.URL{Path: "/a/"}, RemoteAddr: "127.0.0.1:1", Header: http.Header{"X-Forwarded-Prefix": {v}}}}
		p, ok := e.forwardedPrefix(c)
		if !ok {
			return
		}
		if p != "" && (p[0] != '/' || strings.Contains(p, "//") || strings.HasSuffix(p, "/")) {
			t.Fatalf("prefix %q from %q", p, v)
		}
		for _, seg := range strings.Split(p, "/") {
			if seg == "." || seg == ".." {
				t.Fatalf("prefix %q from %q has a dot segment", p, v)
			}
		}
		for i := 0; i < len(p); i++ {
			if !isPrefixByte(p[i]) {
				t.Fatalf("prefix %q from %q has byte %q", p, v, p[i])
			}
		}
		loc := e.location(c, "/a", false)
		if strings.HasPrefix(loc, "//") || !strings.HasPrefix(loc, "/") {
			t.Fatalf("Location %q from prefix %q", loc, v)
		}
	})
}
