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
)

// ServeHTTP answers peers: GET returns a protobuf GetResponse, PUT stores
// the body as the key's value, DELETE drops the local copy.
func (p *Pool) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == p.opts.BasePath+batchSuffix {
		p.serveBatch(w, r)
		return
	}
	group, key, err := p.parsePath(r.URL)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
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
		p.servePut(w, r, g.SetLocal, key)
	case http.MethodDelete:
		g.RemoveLocal(key)
	default:
		w.Header().Set("Allow", "GET, PUT, DELETE")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

func (p *Pool) servePut(w http.ResponseWriter, r *http.Request, set func(string, []byte, time.Time), key string) {
	body, err := io.ReadAll(io.LimitReader(r.Body, int64(p.opts.MaxValueBytes)+1))
	if err != nil {
		http.Error(w, "reading body: "+err.Error(), http.StatusBadRequest)
		return
	}
	if len(body) > p.opts.MaxValueBytes {
		http.Error(w, "value too large", http.StatusRequestEntityTooLarge)
		return
	}
	var expire time.Time
	if s := r.Header.Get(ExpireHeader); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			http.Error(w, "bad "+ExpireHeader+" header: "+err.Error(), http.StatusBadRequest)
			return
		}
		expire = time.Unix(0, n)
	}
	set(key, body, expire)
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
func (p *Pool) serveBatch(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBatchBody+1))
	if err != nil || len(body) > maxBatchBody {
		http.Error(w, "batch body unreadable or larger than 1MB", http.StatusRequestEntityTooLarge)
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
