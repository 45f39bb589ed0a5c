package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gee-project/gee/cache"
)

// TestMain lets tests run the real main (exit codes included) by
// re-executing the test binary with GEECACHE_RUN_MAIN=1.
func TestMain(m *testing.M) {
	if os.Getenv("GEECACHE_RUN_MAIN") == "1" {
		os.Args = append([]string{"geecache"}, strings.Fields(os.Getenv("GEECACHE_ARGS"))...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func runMain(t *testing.T, args string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "GEECACHE_RUN_MAIN=1", "GEECACHE_ARGS="+args)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, out.String(), errb.String()
}

func TestHelpExitsZeroWithDescriptionAndExamples(t *testing.T) {
	code, out, errs := runMain(t, "-h")
	if code != 0 || errs != "" || !strings.Contains(out, "geecache runs one node") || !strings.Contains(out, "Examples:") || !strings.Contains(out, "-peer-addr") {
		t.Fatalf("-h: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

func TestBadFlagsAreRejectedBeforeStarting(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, []byte("x"), 0o644)
	cases := map[string]string{
		"-peers not-a-url -peer-addr 127.0.0.1:0":              "-peers",
		"-peers ftp://h:1 -peer-addr 127.0.0.1:0":              "-peers",
		"-source /definitely/not/here":                         "-source",
		"-source " + file:                                      "-source",
		"-ttl -5s":                                             "-ttl",
		"-fallback-ttl 0s":                                     "-fallback-ttl",
		"-peer-timeout -1s":                                    "-peer-timeout",
		"-policy fifo":                                         "-policy",
		"-groups a:0":                                          "-groups",
		"-peers http://127.0.0.1:1,http://127.0.0.1:2":         "-peer-addr",
		"-peers http://127.0.0.1:2 -peer-addr 127.0.0.1:1":     "-peers does not contain",
		"-peer-secret-file /nope -peer-addr 127.0.0.1:1":       "-peer-secret-file",
		"-addr " + busy.Addr().String():                        "-addr",
		"-addr 127.0.0.1:0 -peer-addr " + busy.Addr().String(): "-peer-addr",
		"-peers-srv _g._tcp.x -peers http://127.0.0.1:1 -peer-addr 127.0.0.1:1": "choose one",
		"-peers-srv _g._tcp.x": "-peers-srv needs",
		"-peers-refresh 0s":    "-peers-refresh",
		"extra":                "unexpected argument",
	}
	for args, want := range cases {
		var stderr syncBuffer
		err := run(context.Background(), strings.Fields(args), io.Discard, &stderr)
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(stderr.String(), "listening") {
			t.Errorf("%s: err %v, log %q; want a failure naming %s before listening", args, err, stderr.String(), want)
		}
	}
	// The real binary: exit status 2 and the message on stderr.
	if code, _, errs := runMain(t, "-ttl -5s"); code != 2 || !strings.Contains(errs, "-ttl") {
		t.Fatalf("-ttl -5s: exit %d, stderr %q", code, errs)
	}
	code, _, errs := runMain(t, "-bogus")
	if code != 2 || errs != "geecache: flag provided but not defined: -bogus (see geecache -h)\n" {
		t.Fatalf("-bogus: exit %d, stderr %q; want the flag named once, without the usage", code, errs)
	}
}

// syncBuffer is a bytes.Buffer safe for the logger and the test at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestListeningIsLoggedWithTheBoundAddress(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-addr", "127.0.0.1:0"}, io.Discard, &stderr) }()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(stderr.String(), "listening on 127.0.0.1:") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if s := stderr.String(); !strings.Contains(s, "listening on 127.0.0.1:") || strings.Contains(s, "127.0.0.1:0 ") {
		t.Fatalf("log = %q, want the bound port", s)
	}
}

func TestParseGroups(t *testing.T) {
	specs, err := parseGroups("a:64MB, b:512KB,c:100")
	if err != nil || len(specs) != 3 || specs[0].capacity != 64<<20 || specs[1].capacity != 512<<10 || specs[2].capacity != 100 {
		t.Fatalf("parseGroups = %+v, %v", specs, err)
	}
	for _, bad := range []string{"", "a", "a:-1MB", "a:lots", "a:1MB,a:2MB", ":1MB", "a/b:1MB", "a:99999999999GB"} {
		if _, err := parseGroups(bad); err == nil {
			t.Errorf("parseGroups(%q) accepted", bad)
		}
	}
}

// startNode runs a node from a command line (its -addr is 127.0.0.1:0)
// and returns its API base URL.
func startNode(t *testing.T, args ...string) (string, *node) {
	t.Helper()
	cfg, err := parseFlags(append([]string{"-addr", "127.0.0.1:0"}, args...), io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	n, err := newNode(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- n.serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return "http://" + n.lns[0].Addr().String(), n
}

func newSource(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "docs", "sub"), 0o755)
	os.WriteFile(filepath.Join(dir, "docs", "readme"), []byte("hello from disk"), 0o644)
	return dir
}

func do(t *testing.T, method, url, body string) (int, string, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func TestAPI(t *testing.T) {
	u, _ := startNode(t, "-groups", "docs:1MB", "-source", newSource(t))
	if code, body, _ := do(t, "GET", u+"/api/docs/readme", ""); code != 200 || body != "hello from disk" {
		t.Fatalf("GET from source = %d %q", code, body)
	}
	if code, _, _ := do(t, "GET", u+"/api/docs/..%2Fetc", ""); code != 404 {
		t.Fatalf("path traversal key = %d, want 404", code)
	}
	if code, _, _ := do(t, "GET", u+"/api/nope/k", ""); code != 404 {
		t.Fatalf("unknown group = %d", code)
	}
	if code, body, _ := do(t, "PUT", u+"/api/docs/new?ttl=1h", "put value"); code != 200 {
		t.Fatalf("PUT = %d %s", code, body)
	}
	if code, body, _ := do(t, "GET", u+"/api/docs/new", ""); code != 200 || body != "put value" {
		t.Fatalf("GET after PUT = %d %q", code, body)
	}
	if code, _, _ := do(t, "PUT", u+"/api/docs/x?ttl=forever", "v"); code != 400 {
		t.Fatalf("bad ttl = %d", code)
	}
	if code, _, _ := do(t, "DELETE", u+"/api/docs/new", ""); code != 200 {
		t.Fatalf("DELETE = %d", code)
	}
	if code, _, _ := do(t, "GET", u+"/api/docs/new", ""); code != 404 {
		t.Fatalf("GET after DELETE = %d, want 404 (not in source)", code)
	}
	code, body, _ := do(t, "GET", u+"/stats", "")
	if code != 200 || !strings.Contains(body, `"docs"`) || !strings.Contains(body, `"gets"`) {
		t.Fatalf("/stats = %d %s", code, body)
	}
	code, body, _ = do(t, "GET", u+"/metrics", "")
	if code != 200 || !strings.Contains(body, `geecache_gets_total{group="docs"} 4`) {
		t.Fatalf("/metrics = %d %s", code, body)
	}
}

// Error bodies name the key and never the server's paths.
func TestErrorBodiesNameTheKeyNotServerPaths(t *testing.T) {
	src := newSource(t)
	u, _ := startNode(t, "-groups", "docs:1MB", "-source", src)
	for path, code := range map[string]int{
		"/api/docs/missing": 404, "/api/docs/sub": 404, "/api/docs/readme/x": 404,
		"/": 200, "/nowhere": 404, "/_groupcache/docs/readme": 404,
	} {
		got, body, _ := do(t, "GET", u+path, "")
		if got != code || strings.Contains(body, src) || strings.Contains(body, "/tmp") || strings.Contains(body, "no such file") {
			t.Errorf("GET %s = %d %q; want %d without server paths", path, got, body, code)
		}
		if strings.HasPrefix(path, "/api/docs/") && !strings.Contains(body, fmt.Sprintf("%q", strings.TrimPrefix(path, "/api/docs/"))) {
			t.Errorf("GET %s: body %q does not name the key", path, body)
		}
	}
	if _, body, _ := do(t, "GET", u+"/", ""); !strings.Contains(body, "docs") || !strings.Contains(body, "/api/") {
		t.Errorf("status page = %q", body)
	}
}

func TestKeyLimitAndEntryLimit(t *testing.T) {
	u, _ := startNode(t, "-groups", "docs:1MB,tiny:1KB")
	long := strings.Repeat("k", cache.MaxKeyBytes+1)
	for _, m := range []string{"GET", "PUT", "DELETE"} {
		if code, body, _ := do(t, m, u+"/api/docs/"+long, "v"); code != 400 || !strings.Contains(body, "longer than 4096") || len(body) > 300 {
			t.Errorf("%s with a %d-byte key = %d %q", m, len(long), code, body[:min(len(body), 100)])
		}
	}
	if code, _, _ := do(t, "PUT", u+"/api/docs/"+strings.Repeat("k", cache.MaxKeyBytes), "v"); code != 200 {
		t.Errorf("PUT with a key of exactly MaxKeyBytes = %d", code)
	}
	// 1KB group: main cache 896 bytes. 800 B is stored even when the group
	// is full of popular entries; 900 B is refused with the limit.
	for r := 0; r < 20; r++ {
		for i := 0; i < 30; i++ {
			do(t, "PUT", fmt.Sprintf("%s/api/tiny/p%d", u, i), "0123456789")
		}
	}
	if code, body, _ := do(t, "PUT", u+"/api/tiny/big", strings.Repeat("x", 800)); code != 200 {
		t.Fatalf("800B into 1KB = %d %s", code, body)
	}
	if code, body, _ := do(t, "GET", u+"/api/tiny/big", ""); code != 200 || len(body) != 800 {
		t.Fatalf("GET after 200 PUT = %d (%d bytes)", code, len(body))
	}
	code, body, hdr := do(t, "PUT", u+"/api/tiny/huge", strings.Repeat("x", 900))
	if code != 413 || hdr.Get("X-Geecache-Limit") != "896" || !strings.Contains(body, "896") || !strings.Contains(body, `"huge"`) {
		t.Fatalf("900B into 1KB = %d %q limit=%q, want 413 naming the 896-byte limit", code, body, hdr.Get("X-Geecache-Limit"))
	}
}

// A PUT whose owner does not answer is 504 "may or may not have been
// applied", not a plain failure.
func TestPutToSilentOwnerSaysMaybeApplied(t *testing.T) {
	release := make(chan struct{})
	stub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release }))
	defer stub.Close()
	defer close(release)
	peerLn, _ := net.Listen("tcp", "127.0.0.1:0")
	peerAddr := peerLn.Addr().String()
	peerLn.Close()
	u, n := startNode(t, "-groups", "docs:1MB", "-peer-addr", peerAddr,
		"-peers", "http://"+peerAddr+","+stub.URL, "-peer-timeout", "200ms")
	key := ""
	for i := 0; key == ""; i++ {
		if _, remote := n.pool.PickPeer(fmt.Sprint("k", i)); remote {
			key = fmt.Sprint("k", i)
		}
	}
	code, body, hdr := do(t, "PUT", u+"/api/docs/"+key, "v")
	if code != 504 || hdr.Get("X-Geecache-Write") != "unknown" || !strings.Contains(body, "may or may not") {
		t.Fatalf("PUT to a silent owner = %d %q", code, body)
	}
}

var _ = flag.ErrHelp
