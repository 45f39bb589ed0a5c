package dashboard

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// query is a request's parameters, checked against the names its endpoint knows.
type query url.Values

func parseQuery(r *http.Request, known ...string) (query, error) {
	v, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, fmt.Errorf("query: %v", err)
	}
	for name, vals := range v {
		if !contains(known, name) {
			return nil, fmt.Errorf("unknown parameter %q (known: %v)", name, known)
		}
		if len(vals) > 1 {
			return nil, fmt.Errorf("parameter %s: given %d times, want once", name, len(vals))
		}
	}
	return query(v), nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (q query) has(name string) bool { return url.Values(q).Has(name) }

// intParam returns the parameter in [lo, hi], def when absent.
func (q query) intParam(name string, def, lo, hi int) (int, error) {
	if !q.has(name) {
		return def, nil
	}
	s := url.Values(q).Get(name)
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("parameter %s: %q is not an integer in %d..%d", name, s, lo, hi)
	}
	return n, nil
}

// idParam returns the parameter as a positive id, 0 when absent.
func (q query) idParam(name string) (uint64, error) {
	if !q.has(name) {
		return 0, nil
	}
	s := url.Values(q).Get(name)
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("parameter %s: %q is not a positive integer id", name, s)
	}
	return n, nil
}

// errorBody is every error response: {"error": "..."}.
type errorBody struct {
	Error string `json:"error"`
}

func httpError(w http.ResponseWriter, code int, msg string) {
	b, _ := json.Marshal(errorBody{Error: msg})
	writeJSON(w, code, append(b, '\n'))
}

func writeJSON(w http.ResponseWriter, code int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(code)
	_, _ = w.Write(body) // a HEAD request's body is discarded by net/http
}

// encode marshals v; the API types hold only strings, numbers and slices, so it cannot fail.
func encode(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		b, _ = json.Marshal(errorBody{Error: "encoding: " + err.Error()})
	}
	return append(b, '\n')
}

func (q query) get(name string) string { return url.Values(q).Get(name) }
