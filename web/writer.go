package web

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
)

// ResponseWriter is the http.ResponseWriter handlers see, with the status
// and size middleware such as the logger need.
type ResponseWriter interface {
	http.ResponseWriter
	http.Flusher
	http.Hijacker
	io.StringWriter
	// Status is the status written, or to be written, for the response.
	Status() int
	// Size is the number of body bytes written, -1 before the header is sent.
	Size() int
	// Written reports whether the header has been sent.
	Written() bool
	// WriteHeaderNow sends the header if it was not sent yet.
	WriteHeaderNow()
	// Unwrap returns the underlying writer, for http.ResponseController.
	Unwrap() http.ResponseWriter
}

const notWritten = -1

// responseWriter defers WriteHeader until the first body byte, so
// middleware running after the handler can still change the status.
type responseWriter struct {
	http.ResponseWriter
	status int
	size   int
}

func (w *responseWriter) reset(rw http.ResponseWriter) {
	w.ResponseWriter, w.status, w.size = rw, http.StatusOK, notWritten
}

func (w *responseWriter) WriteHeader(code int) {
	if code > 0 && !w.Written() {
		w.status = code
	}
}

func (w *responseWriter) WriteHeaderNow() {
	if !w.Written() {
		w.size = 0
		w.ResponseWriter.WriteHeader(w.status)
	}
}

func (w *responseWriter) Write(b []byte) (int, error) {
	w.WriteHeaderNow()
	n, err := w.ResponseWriter.Write(b)
	w.size += n
	return n, err
}

func (w *responseWriter) WriteString(s string) (int, error) {
	w.WriteHeaderNow()
	n, err := io.WriteString(w.ResponseWriter, s)
	w.size += n
	return n, err
}

func (w *responseWriter) Status() int                 { return w.status }
func (w *responseWriter) Size() int                   { return w.size }
func (w *responseWriter) Written() bool               { return w.size != notWritten }
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *responseWriter) Flush() {
	w.WriteHeaderNow()
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *responseWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if w.size < 0 {
		w.size = 0
	}
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// ErrDetached is returned by writes through a Copy of a Context: the copy
// outlives the request and must not answer it.
var ErrDetached = errors.New("web: write through a copied Context")

// detachedWriter is the writer of a copied Context.
type detachedWriter struct{ h http.Header }

func (d *detachedWriter) Header() http.Header {
	if d.h == nil {
		d.h = http.Header{}
	}
	return d.h
}
func (d *detachedWriter) Write([]byte) (int, error)       { return 0, ErrDetached }
func (d *detachedWriter) WriteString(string) (int, error) { return 0, ErrDetached }
func (d *detachedWriter) WriteHeader(int)                 {}
func (d *detachedWriter) WriteHeaderNow()                 {}
func (d *detachedWriter) Flush()                          {}
func (d *detachedWriter) Status() int                     { return 0 }
func (d *detachedWriter) Size() int                       { return notWritten }
func (d *detachedWriter) Written() bool                   { return true }
func (d *detachedWriter) Unwrap() http.ResponseWriter     { return nil }
func (d *detachedWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return nil, nil, ErrDetached
}
