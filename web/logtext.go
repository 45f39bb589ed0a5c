package web

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// textHandler is the default Logger/Recovery output: the logfmt lines of
// slog.TextHandler, written with plain appends. slog's generic handler
// costs more per request than the rest of the framework together.
type textHandler struct {
	mu     *sync.Mutex // nil for an *os.File or a batchWriter, whose Write is already atomic
	w      io.Writer
	min    slog.Level
	prefix string // group prefix for keys, "a.b."
	pre    []byte // attrs added with WithAttrs, already formatted
}

func newTextHandler(w io.Writer, min slog.Level) *textHandler {
	h := &textHandler{w: w, min: min}
	switch w.(type) {
	case *os.File, *batchWriter:
	default:
		h.mu = &sync.Mutex{}
	}
	return h
}

var logBufs = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

func (h *textHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.min }

func (h *textHandler) Handle(_ context.Context, r slog.Record) error {
	bp := logBufs.Get().(*[]byte)
	b := (*bp)[:0]
	if !r.Time.IsZero() {
		b = append(b, "time="...)
		b = appendStamp(b, r.Time)
		b = append(b, ' ')
	}
	b = append(b, "level="...)
	b = append(b, r.Level.String()...)
	b = append(b, " msg="...)
	b = appendText(b, r.Message)
	b = append(b, h.pre...)
	r.Attrs(func(a slog.Attr) bool {
		b = appendAttr(b, h.prefix, a)
		return true
	})
	b = append(b, '\n')
	err := h.write(b)
	*bp = b
	logBufs.Put(bp)
	return err
}

// logRequest writes what Handle would write for l.record(t), without the
// Record: its attributes are known, so they are appended in place.
func (h *textHandler) logRequest(t time.Time, l *requestLine) error {
	if l.level < h.min {
		return nil
	}
	bp := logBufs.Get().(*[]byte)
	b := append((*bp)[:0], "time="...)
	b = appendStamp(b, t)
	b = append(b, " level="...)
	b = append(b, l.level.String()...)
	b = append(b, " msg=request"...)
	b = append(b, h.pre...)
	b = appendText(h.key(b, "method"), l.method)
	b = appendText(h.key(b, "path"), l.path)
	b = strconv.AppendInt(h.key(b, "status"), int64(l.status), 10)
	b = appendText(h.key(b, "latency"), l.latency.String())
	b = appendText(h.key(b, "ip"), l.ip)
	b = strconv.AppendInt(h.key(b, "size"), int64(l.size), 10)
	if l.errors != "" {
		b = appendText(h.key(b, "errors"), l.errors)
	}
	b = append(b, '\n')
	err := h.write(b)
	*bp = b
	logBufs.Put(bp)
	return err
}

// stamp caches the formatted second and zone of the latest log line:
// lines within one second differ only in their milliseconds, and
// formatting the whole time was a fifth of a logged request's cost.
type stamp struct {
	sec  int64
	loc  *time.Location
	date []byte // "2006-01-02T15:04:05"
	zone []byte // "Z07:00"
}

var lastStamp atomic.Pointer[stamp]

// appendStamp appends t as t.AppendFormat(b, "2006-01-02T15:04:05.000Z07:00").
func appendStamp(b []byte, t time.Time) []byte {
	s := lastStamp.Load()
	if s == nil || s.sec != t.Unix() || s.loc != t.Location() {
		s = &stamp{sec: t.Unix(), loc: t.Location(),
			date: t.AppendFormat(nil, "2006-01-02T15:04:05"), zone: t.AppendFormat(nil, "Z07:00")}
		lastStamp.Store(s)
	}
	ms := t.Nanosecond() / 1e6
	b = append(b, s.date...)
	b = append(b, '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10))
	return append(b, s.zone...)
}

// key appends " key=" with the handler's group prefix.
func (h *textHandler) key(b []byte, k string) []byte {
	b = append(b, ' ')
	if h.prefix != "" {
		b = appendText(b, h.prefix+k)
	} else {
		b = append(b, k...)
	}
	return append(b, '=')
}

// write writes one whole line, so lines never interleave.
func (h *textHandler) write(b []byte) error {
	if h.mu != nil {
		h.mu.Lock()
		defer h.mu.Unlock()
	}
	_, err := h.w.Write(b)
	return err
}

func (h *textHandler) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.pre = append([]byte(nil), h.pre...)
	for _, a := range as {
		c.pre = appendAttr(c.pre, h.prefix, a)
	}
	return &c
}

func (h *textHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	c := *h
	c.prefix = h.prefix + name + "."
	return &c
}

func appendAttr(b []byte, prefix string, a slog.Attr) []byte {
	v := a.Value.Resolve()
	if v.Kind() == slog.KindGroup {
		p := prefix
		if a.Key != "" {
			p += a.Key + "."
		}
		for _, g := range v.Group() {
			b = appendAttr(b, p, g)
		}
		return b
	}
	if a.Key == "" && v.Any() == nil {
		return b
	}
	b = append(b, ' ')
	b = appendText(b, prefix+a.Key)
	b = append(b, '=')
	switch v.Kind() {
	case slog.KindInt64:
		return strconv.AppendInt(b, v.Int64(), 10)
	case slog.KindUint64:
		return strconv.AppendUint(b, v.Uint64(), 10)
	case slog.KindBool:
		return strconv.AppendBool(b, v.Bool())
	case slog.KindDuration:
		return appendText(b, v.Duration().String())
	case slog.KindTime:
		return v.Time().AppendFormat(b, time.RFC3339Nano)
	}
	return appendText(b, v.String())
}

// appendText writes s bare when that is unambiguous, else quoted, as
// slog.TextHandler does.
func appendText(b []byte, s string) []byte {
	if s == "" {
		return append(b, `""`...)
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c <= ' ' || c == '=' || c == '"' || c == 0x7f {
				return strconv.AppendQuote(b, s)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || !strconv.IsPrint(r) {
			return strconv.AppendQuote(b, s)
		}
		i += n
	}
	return append(b, s...)
}
