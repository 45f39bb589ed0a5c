package web

import "net/http"

type recorder struct {
	h    http.Header
	code int
}

func newRecorder() *recorder { return &recorder{h: http.Header{}, code: 200} }

func (r *recorder) Header() http.Header { return r.h }
func (r *recorder) Write(b []byte) (int, error) {
	return len(b), nil
}
func (r *recorder) WriteHeader(code int) { r.code = code }
