package cache

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	gee "github.com/gee-project/gee/cache"
	"github.com/gee-project/gee/cache/httppool"
	gc "github.com/golang/groupcache"
)

// The test binary doubles as a cache node in a child process, so that a
// golang/groupcache node (whose HTTP pool is a process-wide singleton) can
// run beside the test. CHILD_NODE selects "groupcache" or "gee";
// CHILD_PEERS lists the other nodes' base URLs.
const childEnv = "GEECACHE_BENCH_CHILD_NODE"

func TestMain(m *testing.M) {
	if kind := os.Getenv(childEnv); kind != "" {
		if err := runChild(kind, strings.Split(os.Getenv("CHILD_PEERS"), ",")); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runChild serves group "interop" whose getter answers "<kind>:<key>",
// plus /get?key= (a Get through the node) for the parent. It prints its
// base URL on stdout and exits when stdin closes.
func runChild(kind string, peers []string) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	self := "http://" + ln.Addr().String()
	all := append([]string{self}, nonEmpty(peers)...)
	mux := http.NewServeMux()
	var get func(ctx context.Context, key string) (string, error)
	switch kind {
	case "groupcache":
		pool := gc.NewHTTPPoolOpts(self, nil)
		pool.Transport = func(context.Context) http.RoundTripper { return httppool.SharedTransport }
		pool.Set(all...)
		mux.Handle("/_groupcache/", pool)
		g := gc.NewGroup("interop", 64<<20, gc.GetterFunc(func(_ context.Context, key string, dest gc.Sink) error {
			return dest.SetString("groupcache:" + key)
		}))
		get = func(ctx context.Context, key string) (string, error) {
			var s string
			err := g.Get(ctx, key, gc.StringSink(&s))
			return s, err
		}
	case "gee":
		pool := httppool.New(self, httppool.Options{})
		pool.Set(all...)
		mux.Handle("/_groupcache/", pool)
		g := gee.NewGroup("interop", 64<<20, gee.GetterFunc(func(_ context.Context, key string) ([]byte, time.Time, error) {
			return []byte("gee:" + key), time.Time{}, nil
		}))
		pool.Register(g)
		get = func(ctx context.Context, key string) (string, error) {
			v, err := g.Get(ctx, key)
			return v.String(), err
		}
	default:
		return fmt.Errorf("unknown node kind %q", kind)
	}
	mux.HandleFunc("/get", func(w http.ResponseWriter, r *http.Request) {
		v, err := get(r.Context(), r.URL.Query().Get("key"))
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		io.WriteString(w, v)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	fmt.Println(self)
	io.Copy(io.Discard, os.Stdin) // parent closes stdin (or dies): stop
	// Drain briefly, then cut the benchmark's pooled connections. The
	// child stays silent: its output would interleave with the parent's
	// benchmark lines.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if srv.Shutdown(ctx) != nil {
		srv.Close()
	}
	return nil
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// startChild runs a child node and returns its base URL; it stops at
// test cleanup.
func startChild(tb testing.TB, kind string, peers ...string) string {
	tb.Helper()
	exe, err := os.Executable()
	if err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+kind, "CHILD_PEERS="+strings.Join(peers, ","))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(stdout).ReadString('\n')
		line <- strings.TrimSpace(s)
		io.Copy(io.Discard, stdout)
	}()
	select {
	case u := <-line:
		if !strings.HasPrefix(u, "http://") {
			tb.Fatalf("child %s printed %q, want its URL", kind, u)
		}
		return u
	case <-time.After(30 * time.Second):
		tb.Fatalf("child %s did not start", kind)
		return ""
	}
}
