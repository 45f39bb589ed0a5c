package web

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

func TestWrapHandlers(t *testing.T) {
	e := New()
	e.GET("/h", WrapH(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "std handler")
	})))
	e.GET("/f", WrapF(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(202)
	}))
	expect(t, do(t, e, "GET", "/h", nil), 200, "std handler")
	expect(t, do(t, e, "GET", "/f", nil), 202, "")
}

type userKey struct{}

func TestWrapMiddleware(t *testing.T) {
	std := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("X-Deny") != "" {
				http.Error(w, "denied", http.StatusForbidden)
				return
			}
			w.Header().Set("X-Std", "yes")
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey{}, "ann")))
		})
	}
	e := New()
	e.Use(WrapM(std))
	ran := false
	e.GET("/x", func(c *Context) {
		ran = true
		c.String(200, "%v", c.Value(userKey{}))
	})
	w := do(t, e, "GET", "/x", nil)
	expect(t, w, 200, "ann")
	if w.Header().Get("X-Std") != "yes" {
		t.Fatal("std middleware header lost")
	}
	ran = false
	expect(t, do(t, e, "GET", "/x", nil, "X-Deny", "1"), 403, "denied")
	if ran {
		t.Fatal("handler ran after std middleware refused")
	}
}

func TestServeGracefulShutdown(t *testing.T) {
	e := New()
	release, reached := make(chan struct{}), make(chan struct{})
	e.GET("/slow", func(c *Context) {
		close(reached)
		<-release
		c.String(200, "done")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- Serve(ctx, ln, e) }()
	resp := make(chan string, 1)
	go func() {
		cl := &http.Client{Timeout: 5 * time.Second}
		r, err := cl.Get("http://" + ln.Addr().String() + "/slow")
		if err != nil {
			resp <- err.Error()
			return
		}
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		resp <- string(b)
	}()
	<-reached
	cancel()
	time.Sleep(20 * time.Millisecond)
	close(release)
	if got := <-resp; got != "done" {
		t.Fatalf("in-flight request got %q", got)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("Serve returned %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Fatal("listener still open after shutdown")
	}
}

func TestRunBadAddress(t *testing.T) {
	err := Run(context.Background(), "127.0.0.1:notaport", New())
	var ne *net.OpError
	if !errors.As(err, &ne) {
		t.Fatalf("Run on bad address: %v", err)
	}
}

func TestWrapMiddlewareDroppingContext(t *testing.T) {
	rude := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(context.Background()))
		})
	}
	e := New()
	e.Use(WrapM(rude))
	e.GET("/x", func(c *Context) { c.String(200, "ran") })
	expect(t, do(t, e, "GET", "/x", nil), 500, "")
}
