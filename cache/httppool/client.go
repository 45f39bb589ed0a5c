package httppool

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/gee-project/gee/cache"
	"github.com/gee-project/gee/cache/cachepb"
)

// ExpireHeader carries a value's expiry (unix nanoseconds) on PUT.
const ExpireHeader = "X-Geecache-Expire"

// httpPeer is a remote node reached over HTTP.
type httpPeer struct {
	base    string // base URL + base path
	addr    string
	pool    *Pool
	batcher batcher
}

// Addr implements cache.Peer.
func (h *httpPeer) Addr() string { return h.addr }

func (h *httpPeer) url(group, key string) string {
	return h.base + url.PathEscape(group) + "/" + url.PathEscape(key)
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Get implements cache.Peer. Concurrent gets are batched unless the pool
// was configured with NoBatch.
func (h *httpPeer) Get(ctx context.Context, group, key string) ([]byte, float64, time.Time, error) {
	if h.pool.opts.NoBatch {
		return h.getOne(ctx, group, key)
	}
	r := h.batcher.get(ctx, group, key)
	return r.value, r.qps, r.expire, r.err
}

// getOne fetches one key with groupcache's GET request.
func (h *httpPeer) getOne(ctx context.Context, group, key string) ([]byte, float64, time.Time, error) {
	resp, cancel, err := h.do(ctx, http.MethodGet, group, key, nil, nil)
	if err != nil {
		return nil, 0, time.Time{}, err
	}
	defer cancel()
	defer resp.Body.Close()
	buf := bufPool.Get().(*bytes.Buffer)
	defer bufPool.Put(buf)
	buf.Reset()
	max := h.pool.opts.MaxValueBytes + 64
	if _, err := buf.ReadFrom(io.LimitReader(resp.Body, int64(max)+1)); err != nil {
		return nil, 0, time.Time{}, fmt.Errorf("reading response from %s: %w", h.addr, err)
	}
	var out cachepb.GetResponse
	if err := out.Unmarshal(buf.Bytes(), max); err != nil {
		return nil, 0, time.Time{}, fmt.Errorf("response from %s for %q: %w", h.addr, key, err)
	}
	return out.Value, out.MinuteQPS, expireTime(out.Expire), nil
}

// Set implements cache.Peer. The request carries its deadline, past which
// the owner refuses it, so a write reported as failed is not applied
// later. An error matching cache.ErrMaybeApplied means no answer came
// after the request may have reached the owner; a cache.TooLargeError
// carries the owner's entry limit; any other error means not applied.
func (h *httpPeer) Set(ctx context.Context, group, key string, value []byte, expire time.Time) error {
	hdr := http.Header{}
	if !expire.IsZero() {
		hdr.Set(ExpireHeader, strconv.FormatInt(expire.UnixNano(), 10))
	}
	if value == nil {
		value = []byte{} // an empty value is still a body to sign
	}
	err := h.simple(ctx, http.MethodPut, group, key, value, hdr)
	var se *statusError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &se):
		if se.code == http.StatusRequestEntityTooLarge {
			limit, _ := strconv.ParseInt(se.header.Get(LimitHeader), 10, 64)
			return fmt.Errorf("%w (%w)", &cache.TooLargeError{Key: key, Size: int64(len(key) + len(value)), Limit: limit}, err)
		}
		return err // the owner answered: not applied
	case isDialError(err):
		return err // the request never left
	default:
		return fmt.Errorf("%w: %w", cache.ErrMaybeApplied, err)
	}
}

// isDialError reports whether err happened before the request was sent.
func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// statusError is a peer's non-200 answer.
type statusError struct {
	method, addr string
	code         int
	status       string
	header       http.Header
	msg          []byte
}

func (e *statusError) Error() string {
	return fmt.Sprintf("%s %s: status %s: %s", e.method, e.addr, e.status, e.msg)
}

// Remove implements cache.Peer.
func (h *httpPeer) Remove(ctx context.Context, group, key string) error {
	return h.simple(ctx, http.MethodDelete, group, key, nil, nil)
}

func (h *httpPeer) simple(ctx context.Context, method, group, key string, body []byte, hdr http.Header) error {
	resp, cancel, err := h.do(ctx, method, group, key, body, hdr)
	if err != nil {
		return err
	}
	defer cancel()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	return resp.Body.Close()
}

// do sends one request under the pool's timeout; a non-200 status is an
// error carrying the start of the body. On success the caller must close
// the body and then call cancel.
func (h *httpPeer) do(ctx context.Context, method, group, key string, body []byte, hdr http.Header) (*http.Response, context.CancelFunc, error) {
	ctx, cancel := context.WithTimeout(ctx, h.pool.opts.Timeout)
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, h.url(group, key), rd)
	if err != nil {
		cancel()
		return nil, nil, err
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	if dl, ok := ctx.Deadline(); ok && method == http.MethodPut {
		req.Header.Set(DeadlineHeader, strconv.FormatInt(dl.UnixNano(), 10))
	}
	h.pool.sign(req, body)
	resp, err := h.pool.client.Do(req)
	if err != nil {
		cancel()
		return nil, nil, fmt.Errorf("%s %s: %w", method, h.addr, err)
	}
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
		resp.Body.Close()
		cancel()
		var err error = &statusError{method, h.addr, resp.StatusCode, resp.Status, resp.Header, bytes.TrimSpace(msg)}
		switch {
		case method != http.MethodGet:
		case resp.StatusCode == http.StatusNotFound && resp.Header.Get(ErrorHeader) == notFound:
			err = fmt.Errorf("%w: %w: %w", cache.ErrOwnerLoad, cache.ErrNotFound, err)
		case resp.StatusCode == http.StatusInternalServerError:
			// Both GeeCache and groupcache answer 500 only when the
			// group's getter failed.
			err = fmt.Errorf("%w: %w", cache.ErrOwnerLoad, err)
		}
		return nil, nil, err
	}
	return resp, cancel, nil
}
