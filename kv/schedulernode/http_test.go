package schedulernode

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// -http serves the dashboard page and its JSON next to the gRPC port, and stops with the
// scheduler; a bad -http is refused before anything starts.
func TestHTTPDashboard(t *testing.T) {
	var errb bytes.Buffer
	if code := Run(context.Background(), []string{"-data", t.TempDir(), "-http", "nohost"}, io.Discard, &errb); code != 2 ||
		!strings.Contains(errb.String(), `-http "nohost"`) {
		t.Fatalf("bad -http: code %d, stderr %q", code, errb.String())
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &syncBuffer{}
	code := make(chan int, 1)
	go func() {
		code <- Run(ctx, []string{"-data", t.TempDir(), "-addr", "127.0.0.1:0", "-http", "127.0.0.1:0"}, out, io.Discard)
	}()
	var base string
	for deadline := time.Now().Add(10 * time.Second); base == ""; time.Sleep(5 * time.Millisecond) {
		if m := regexp.MustCompile(`dashboard on (http://\S+)/dashboard`).FindStringSubmatch(out.String()); m != nil && listening.MatchString(out.String()) {
			base = m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("no dashboard line; output %q", out.String())
		}
	}
	cli := &http.Client{Timeout: 5 * time.Second}
	get := func(path string) (int, string, string) {
		resp, err := cli.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
	}
	if st, ct, body := get("/dashboard"); st != 200 || !strings.HasPrefix(ct, "text/html") || !strings.Contains(body, "<html") {
		t.Errorf("/dashboard: %d %s %.80q", st, ct, body)
	}
	st, _, body := get("/dashboard/api/summary")
	var sum struct {
		ClusterID string `json:"cluster_id"`
		Stores    []any  `json:"stores"`
	}
	if err := json.Unmarshal([]byte(body), &sum); st != 200 || err != nil || sum.ClusterID == "" {
		t.Errorf("summary: %d %v %q", st, err, body)
	}
	if st, _, _ := get("/"); st != 200 { // redirected to the page
		t.Errorf("/ answered %d", st)
	}
	cancel()
	if c := <-code; c != 0 {
		t.Fatalf("exit code %d", c)
	}
	if _, err := cli.Get(base + "/dashboard"); err == nil {
		t.Error("the dashboard still answers after the scheduler stopped")
	}
}
