package httppool

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gee-project/gee/cache"
)

// others returns the nodes that do not own key.
func others(nodes []*node, key string) []*node {
	o := owner(nodes, key)
	var out []*node
	for _, n := range nodes {
		if n != o {
			out = append(out, n)
		}
	}
	return out
}

func rawPut(t *testing.T, n *node, key, value string, hdr http.Header) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPut, n.addr+DefaultBasePath+"scores/"+url.PathEscape(key), strings.NewReader(value))
	for k, v := range hdr {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// The attack from the issue: a peer PUT to a node that does not own the
// key made that node serve FORGED while the others served the real value.
func TestForgedWriteToNonOwnerIsRefused(t *testing.T) {
	nodes := startCluster(t, 3, cache.Options{})
	const key = "balance"
	victim := others(nodes, key)[0]
	if resp := rawPut(t, victim, key, "FORGED", nil); resp.StatusCode != http.StatusMisdirectedRequest || resp.Header.Get(ErrorHeader) != notOwner {
		t.Fatalf("PUT to a non-owner = %d %q, want 421 not-owner", resp.StatusCode, resp.Header.Get(ErrorHeader))
	}
	for _, n := range nodes {
		if v, err := n.group.Get(ctx, key); err != nil || v.String() == "FORGED" {
			t.Fatalf("%s serves %q, %v after a refused forged write", n.addr, v.String(), err)
		}
	}
}

// With a shared secret nobody without it can write, even to the owner.
func TestPeerSecretRefusesUnsignedAndWronglySignedRequests(t *testing.T) {
	secret := []byte("cluster secret")
	nodes := startClusterWith(t, 3, cache.Options{}, Options{Timeout: 2 * time.Second, Secret: secret})
	const key = "balance"
	o := owner(nodes, key)
	if resp := rawPut(t, o, key, "FORGED", nil); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("unsigned PUT to the owner = %d, want 401", resp.StatusCode)
	}
	forger := New("http://forger.invalid", Options{Secret: []byte("guessed")})
	req, _ := http.NewRequest(http.MethodPut, o.addr+DefaultBasePath+"scores/"+key, strings.NewReader("FORGED"))
	forger.sign(req, []byte("FORGED"))
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("PUT signed with a wrong secret = %v %v, want 401", resp.StatusCode, err)
	}
	// A signature for one body does not cover another.
	insider := New("http://insider.invalid", Options{Secret: secret})
	req, _ = http.NewRequest(http.MethodPut, o.addr+DefaultBasePath+"scores/"+key, strings.NewReader("FORGED"))
	insider.sign(req, []byte("real"))
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("PUT with a signature over another body = %v %v, want 401", resp.StatusCode, err)
	}
	for _, n := range nodes {
		if v, _ := n.group.Get(ctx, key); v.String() == "FORGED" {
			t.Fatalf("%s serves the forged value", n.addr)
		}
	}
	// The cluster's own traffic is signed and works: gets, sets, removes.
	if err := others(nodes, key)[0].group.Set(ctx, key, []byte("real"), time.Time{}); err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		if v, err := n.group.Get(ctx, key); err != nil || v.String() != "real" {
			t.Fatalf("%s Get = %q, %v, want the signed write", n.addr, v.String(), err)
		}
		if st := n.group.Stats(); st.PeerErrors != 0 {
			t.Fatalf("%s: signed peer requests failed: %+v", n.addr, st)
		}
	}
}

func TestStaleSignatureIsRefused(t *testing.T) {
	p := New("http://self", Options{Secret: []byte("s"), MaxClockSkew: time.Second})
	p.Register(cache.NewGroup("g", 1<<10, &echoGetter{}))
	req := httptest.NewRequest("GET", "/_groupcache/g/k", nil)
	p.sign(req, nil)
	rec := httptest.NewRecorder()
	p.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("fresh signature: %d %s", rec.Code, rec.Body)
	}
	ts, _, _ := strings.Cut(req.Header.Get(AuthHeader), ":")
	old := New("http://x", Options{Secret: []byte("s")})
	req2 := httptest.NewRequest("GET", "/_groupcache/g/k", nil)
	old.sign(req2, nil)
	// Re-sign with a timestamp two seconds in the past.
	past := time.Now().Add(-2 * time.Second).UnixNano()
	mac := old.mac("GET", "/_groupcache/g/k", "", itoa(past), req2.Header, nil)
	req2.Header.Set(AuthHeader, itoa(past)+":"+hexs(mac))
	rec = httptest.NewRecorder()
	p.ServeHTTP(rec, req2)
	if rec.Code != 401 || ts == "" {
		t.Fatalf("signature 2s old with 1s allowed skew: %d %s", rec.Code, rec.Body)
	}
}

// A PUT that times out at a frozen owner is reported as "may have been
// applied", and when the owner thaws it refuses the late write: it is not
// applied behind the caller's back.
func TestTimedOutWriteIsNotAppliedLater(t *testing.T) {
	nodes := startClusterWith(t, 3, cache.Options{}, Options{Timeout: 300 * time.Millisecond})
	const key = "frozen"
	o := owner(nodes, key)
	via := others(nodes, key)[0]
	gate := make(chan struct{})
	o.frozen.Store(&gate)
	err := via.group.Set(ctx, key, []byte("late"), time.Time{})
	if !errors.Is(err, cache.ErrMaybeApplied) {
		t.Fatalf("Set at a frozen owner: err = %v, want ErrMaybeApplied", err)
	}
	close(gate)
	select {
	case got := <-o.answered:
		if got != "PUT 408" {
			t.Fatalf("thawed owner answered the late write with %q, want PUT 408", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the late PUT never reached the owner")
	}
	o.frozen.Store(nil)
	for _, n := range nodes {
		if v, err := n.group.Get(ctx, key); err != nil || v.String() == "late" {
			t.Fatalf("%s Get = %q, %v: the timed-out write was applied later", n.addr, v.String(), err)
		}
	}
}

// A write to an owner that cannot be reached at all was never sent: it is
// a plain failure, not "may have been applied".
func TestWriteToDeadOwnerIsNotMaybeApplied(t *testing.T) {
	nodes := startClusterWith(t, 3, cache.Options{}, Options{Timeout: 300 * time.Millisecond})
	const key = "dead-owner"
	o := owner(nodes, key)
	o.srv.Close()
	err := others(nodes, key)[0].group.Set(ctx, key, []byte("v"), time.Time{})
	if err == nil || errors.Is(err, cache.ErrMaybeApplied) {
		t.Fatalf("Set to a closed owner: err = %v, want a definite failure", err)
	}
}

// The owner's entry limit crosses the wire as 413 + LimitHeader and comes
// back as a TooLargeError carrying that limit.
func TestOwnerEntryLimitCrossesTheWire(t *testing.T) {
	small := cache.NewGroup("g", 1000, &echoGetter{}) // main cache: 875 bytes
	owner := New("http://owner", Options{})
	owner.Register(small)
	srv := httptest.NewServer(owner)
	defer srv.Close()
	owner.self = srv.URL // owns everything
	sender := New("http://sender", Options{})
	sender.Set("http://sender", srv.URL)
	big := cache.NewGroup("g", 1<<20, &echoGetter{})
	sender.Register(big)
	var key string
	for i := 0; ; i++ { // a key the owner owns in the sender's view
		key = "k" + itoa(int64(i))
		if _, remote := sender.PickPeer(key); remote {
			break
		}
	}
	err := big.Set(ctx, key, bytes.Repeat([]byte("x"), 900), time.Time{})
	var tl *cache.TooLargeError
	if !errors.As(err, &tl) || tl.Limit != small.MaxEntryBytes() {
		t.Fatalf("Set over the owner's limit: err = %v, want a TooLargeError with limit %d", err, small.MaxEntryBytes())
	}
}

func TestPeerKeyLimit(t *testing.T) {
	p := New("http://self", Options{})
	p.Register(cache.NewGroup("g", 1<<20, &echoGetter{}))
	long := strings.Repeat("k", cache.MaxKeyBytes+1)
	for _, method := range []string{"GET", "PUT", "DELETE"} {
		rec := httptest.NewRecorder()
		p.ServeHTTP(rec, httptest.NewRequest(method, "/_groupcache/g/"+long, strings.NewReader("v")))
		if rec.Code != 400 || !strings.Contains(rec.Body.String(), "longer than") {
			t.Errorf("%s with a %d-byte key = %d %q, want 400", method, len(long), rec.Code, rec.Body.String()[:min(80, rec.Body.Len())])
		}
	}
}

// A membership change while a load is in flight at the old owner does not
// drop the load: it keeps the peer it picked and returns that value.
func TestMembershipChangeKeepsInFlightLoads(t *testing.T) {
	nodes := startCluster(t, 3, cache.Options{HotCacheBytes: -1})
	const key = "in-flight"
	o := owner(nodes, key)
	via := others(nodes, key)[0]
	gate := make(chan struct{})
	o.gate.Store(&gate)
	got := make(chan string, 1)
	go func() {
		v, err := via.group.Get(ctx, key)
		if err != nil {
			got <- err.Error()
			return
		}
		got <- v.String()
	}()
	for deadline := time.Now().Add(5 * time.Second); o.loadCount(key) == 0; {
		if time.Now().After(deadline) {
			t.Fatal("the owner never started loading")
		}
		time.Sleep(time.Millisecond)
	}
	var rest []string
	for _, n := range nodes {
		if n != o {
			rest = append(rest, n.addr)
		}
	}
	via.pool.Set(rest...) // the old owner leaves the ring mid-load
	close(gate)
	if v := <-got; v != key+"@"+o.addr+"#1" {
		t.Fatalf("in-flight Get = %q, want the old owner's value", v)
	}
	if via.group.Stats().PeerErrors != 0 {
		t.Fatal("the in-flight load failed over")
	}
}

// restart serves n again on its old address after its server was closed.
func (n *node) restart(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", strings.TrimPrefix(n.addr, "http://"))
	if err != nil {
		t.Skipf("cannot re-bind %s: %v", n.addr, err)
	}
	n.srv = &http.Server{Handler: n, ReadHeaderTimeout: 5 * time.Second}
	go n.srv.Serve(ln)
	t.Cleanup(func() { n.srv.Close() })
}

// The case: copies loaded while the owner was down must not
// outlive its return. They go when the owner next answers this node, and
// in any case after FallbackTTL.
func TestFallbackCopiesLeaveWhenTheOwnerReturns(t *testing.T) {
	nodes := startClusterWith(t, 3, cache.Options{HotCacheBytes: -1, FallbackTTL: time.Hour},
		Options{Timeout: 500 * time.Millisecond, NoBatch: true})
	o := nodes[2]
	var keys []string
	for i := 0; len(keys) < 2; i++ {
		if k := fmt.Sprintf("k%d", i); owner(nodes, k) == o {
			keys = append(keys, k)
		}
	}
	via := nodes[0]
	o.srv.Close()
	if v, _ := via.group.Get(ctx, keys[0]); v.String() != keys[0]+"@"+via.addr+"#1" {
		t.Fatalf("owner down: Get = %q, want a local load", v.String())
	}
	o.restart(t)
	if v, _ := via.group.Get(ctx, keys[1]); v.String() != keys[1]+"@"+o.addr+"#1" {
		t.Fatalf("owner back: Get(other key) = %q", v.String())
	}
	if v, _ := via.group.Get(ctx, keys[0]); v.String() != keys[0]+"@"+o.addr+"#1" {
		t.Fatalf("after the owner answered again, Get = %q; want the owner's value, not the fallback copy", v.String())
	}
}
