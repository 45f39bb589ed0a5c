package httppool

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// AuthHeader carries a peer request's signature when Options.Secret is
// set: "<unix nanoseconds>:<hex HMAC-SHA256>" over the method, escaped
// path, query, timestamp, the deadline and expiry headers and the body's
// SHA-256. A node with a secret answers 401 to any request without a valid
// signature made within Options.MaxClockSkew.
const AuthHeader = "X-Geecache-Auth"

// DeadlineHeader carries the sender's deadline (unix nanoseconds) on PUT.
// The owner refuses a write that reaches it later: the sender has already
// reported it as not answered, and applying it then would surprise both.
const DeadlineHeader = "X-Geecache-Deadline"

func (p *Pool) mac(method, escapedPath, query, ts string, h http.Header, body []byte) []byte {
	sum := sha256.Sum256(body)
	m := hmac.New(sha256.New, p.opts.Secret)
	for _, s := range []string{"geecache-peer-v1", method, escapedPath, query, ts,
		h.Get(DeadlineHeader), h.Get(ExpireHeader), hex.EncodeToString(sum[:])} {
		m.Write([]byte(s))
		m.Write([]byte{'\n'})
	}
	return m.Sum(nil)
}

// sign adds AuthHeader to req when the pool has a secret.
func (p *Pool) sign(req *http.Request, body []byte) {
	if len(p.opts.Secret) == 0 {
		return
	}
	ts := strconv.FormatInt(time.Now().UnixNano(), 10)
	mac := p.mac(req.Method, req.URL.EscapedPath(), req.URL.RawQuery, ts, req.Header, body)
	req.Header.Set(AuthHeader, ts+":"+hex.EncodeToString(mac))
}

var errUnsigned = errors.New("peer request without a valid " + AuthHeader + " signature")

// verify checks r's signature when the pool has a secret.
func (p *Pool) verify(r *http.Request, body []byte) error {
	if len(p.opts.Secret) == 0 {
		return nil
	}
	ts, sig, ok := strings.Cut(r.Header.Get(AuthHeader), ":")
	if !ok {
		return errUnsigned
	}
	got, err := hex.DecodeString(sig)
	if err != nil {
		return errUnsigned
	}
	want := p.mac(r.Method, r.URL.EscapedPath(), r.URL.RawQuery, ts, r.Header, body)
	if !hmac.Equal(got, want) {
		return errUnsigned
	}
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errUnsigned
	}
	if skew := time.Since(time.Unix(0, n)); skew > p.opts.MaxClockSkew || skew < -p.opts.MaxClockSkew {
		return fmt.Errorf("peer request signed %v away from this node's clock (limit %v)", skew.Round(time.Millisecond), p.opts.MaxClockSkew)
	}
	return nil
}
