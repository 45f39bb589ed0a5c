package httppool

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gee-project/gee/cache"
	"github.com/gee-project/gee/cache/cachepb"
)

// ErrorHeader qualifies an error status; its value notFound marks a key
// the owner's getter reported missing.
const (
	ErrorHeader = "X-Geecache-Error"
	notFound    = "not-found"
	notOwner    = "not-owner"
	lateWrite   = "late-write"
)

// LimitHeader carries the entry limit in bytes on a 413 answer to PUT.
const LimitHeader = "X-Geecache-Limit"

// ServeHTTP answers peers: GET returns a protobuf GetResponse, PUT stores
// the body as the key's value (only on the key's owner), DELETE drops the
// local copy. With Options.Secret, unsigned requests get 401.
func (p *Pool) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, code, err := p.readBody(r)
	if err != nil {
		http.Error(w, err.Error(), code)
		return
	}
	if err := p.verify(r, body); err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	if r.URL.Path == p.opts.BasePath+batchSuffix {
		p.serveBatch(w, r, body)
		return
	}
	group, key, err := p.parsePath(r.URL)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if len(key) > cache.MaxKeyBytes {
		http.Error(w, fmt.Sprintf("key %s: %v", cache.QuoteKey(key), cache.ErrKeyTooLong), http.StatusBadRequest)
		return
	}
	g := p.group(group)
	if g == nil {
		http.Error(w, fmt.Sprintf("no such group: %q", group), http.StatusNotFound)
		return
	}
	switch r.Method {
	case http.MethodGet:
		v, qps, expire, err := g.ServePeer(r.Context(), key)
		if err != nil {
			code := http.StatusInternalServerError
			if errors.Is(err, cache.ErrNotFound) {
				// Only GeeCache clients read the header; groupcache
				// clients see an error status as before.
				w.Header().Set(ErrorHeader, notFound)
				code = http.StatusNotFound
			}
			http.Error(w, err.Error(), code)
			return
		}
		resp := cachepb.GetResponse{Value: []byte(v.String()), MinuteQPS: qps, Expire: unixNano(expire)}
		w.Header().Set("Content-Type", "application/x-protobuf")
		_, _ = w.Write(resp.Marshal(nil))
	case http.MethodPut:
		p.servePut(w, r, g, key, body)
	case http.MethodDelete:
		g.RemoveLocal(key) // dropping a copy is always safe, owner or not
	default:
		w.Header().Set("Allow", "GET, PUT, DELETE")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// readBody reads the body of a PUT or batch POST within its limit; other
// requests carry none.
func (p *Pool) readBody(r *http.Request) ([]byte, int, error) {
	var limit int
	switch {
	case r.Method == http.MethodPost && r.URL.Path == p.opts.BasePath+batchSuffix:
		limit = maxBatchBody
	case r.Method == http.MethodPut:
		limit = p.opts.MaxValueBytes
	default:
		return nil, 0, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, int64(limit)+1))
	if err != nil {
		return nil, http.StatusBadRequest, fmt.Errorf("reading body: %w", err)
	}
	if len(body) > limit {
		return nil, http.StatusRequestEntityTooLarge, fmt.Errorf("body larger than %d bytes", limit)
	}
	return body, 0, nil
}

// servePut stores a peer's write. Only the key's owner takes it: a node
// that stored writes for keys it does not own would serve them while
// every other node served the owner's value.
func (p *Pool) servePut(w http.ResponseWriter, r *http.Request, g *cache.Group, key string, body []byte) {
	var expire time.Time
	if s := r.Header.Get(ExpireHeader); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			http.Error(w, "bad "+ExpireHeader+" header: "+err.Error(), http.StatusBadRequest)
			return
		}
		expire = time.Unix(0, n)
	}
	if s := r.Header.Get(DeadlineHeader); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			http.Error(w, "bad "+DeadlineHeader+" header: "+err.Error(), http.StatusBadRequest)
			return
		}
		if late := time.Since(time.Unix(0, n)); late > 0 {
			w.Header().Set(ErrorHeader, lateWrite)
			http.Error(w, fmt.Sprintf("write of key %s arrived %v after the sender's deadline; not applied", cache.QuoteKey(key), late.Round(time.Millisecond)), http.StatusRequestTimeout)
			return
		}
	}
	if owner, remote := p.PickPeer(key); remote {
		w.Header().Set(ErrorHeader, notOwner)
		http.Error(w, fmt.Sprintf("this node does not own key %s (its owner is %s); write not applied", cache.QuoteKey(key), owner.Addr()), http.StatusMisdirectedRequest)
		return
	}
	if err := g.SetLocal(key, body, expire); err != nil {
		var tl *cache.TooLargeError
		switch {
		case errors.As(err, &tl):
			w.Header().Set(LimitHeader, strconv.FormatInt(tl.Limit, 10))
			http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
		case errors.Is(err, cache.ErrKeyTooLong):
			http.Error(w, err.Error(), http.StatusBadRequest)
		default:
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	}
}

// parsePath splits <basePath><group>/<key>. Segments are path-unescaped,
// which decodes both our PathEscape and groupcache's QueryEscape (except
// '+', which groupcache's own server also keeps literally).
func (p *Pool) parsePath(u *url.URL) (group, key string, err error) {
	path := u.EscapedPath()
	if !strings.HasPrefix(path, p.opts.BasePath) {
		return "", "", fmt.Errorf("path %q is not under %q", path, p.opts.BasePath)
	}
	rawGroup, rawKey, ok := strings.Cut(path[len(p.opts.BasePath):], "/")
	if !ok {
		return "", "", fmt.Errorf("path %q: want %s<group>/<key>", path, p.opts.BasePath)
	}
	if group, err = url.PathUnescape(rawGroup); err != nil {
		return "", "", fmt.Errorf("group in %q: %w", path, err)
	}
	if key, err = url.PathUnescape(rawKey); err != nil {
		return "", "", fmt.Errorf("key in %q: %w", path, err)
	}
	return group, key, nil
}

func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// maxBatchBody bounds a batch request body: maxBatch small requests.
const maxBatchBody = 1 << 20

// serveBatch answers a batch of gets. Cached keys are answered inline;
// misses load concurrently so one slow key does not hold up the others.
func (p *Pool) serveBatch(w http.ResponseWriter, r *http.Request, body []byte) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	reqs, err := cachepb.UnmarshalBatchRequest(body, maxBatch)
	if err != nil {
		http.Error(w, err.Error(), http.StatusUnprocessableEntity)
		return
	}
	items := make([]cachepb.BatchItem, len(reqs))
	var wg sync.WaitGroup
	for _, req := range reqs {
		if p.group(req.Group) == nil {
			// Not a load failure: the requester should load locally.
			http.Error(w, fmt.Sprintf("no such group: %q", req.Group), http.StatusMisdirectedRequest)
			return
		}
	}
	for i, req := range reqs {
		g := p.group(req.Group)
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, qps, expire, err := g.ServePeer(r.Context(), req.Key)
			if err != nil {
				items[i].Err, items[i].NotFound = err.Error(), errors.Is(err, cache.ErrNotFound)
				return
			}
			items[i].Response = cachepb.GetResponse{Value: []byte(v.String()), MinuteQPS: qps, Expire: unixNano(expire)}
		}()
	}
	wg.Wait()
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(cachepb.MarshalBatchResponse(nil, items))
}
