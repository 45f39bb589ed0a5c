package web

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestTextHandlerMatchesSlogText(t *testing.T) {
	var ours, std bytes.Buffer
	at := time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.UTC)
	for _, h := range []slog.Handler{newTextHandler(&ours, slog.LevelInfo), slog.NewTextHandler(&std, nil)} {
		l := slog.New(h).With("app", "gee").WithGroup("req")
		r := slog.NewRecord(at, slog.LevelWarn, "hello world", 0)
		r.AddAttrs(slog.String("path", "/a b"), slog.Int("status", 404), slog.Duration("latency", 1500*time.Microsecond),
			slog.Bool("ok", false), slog.String("empty", ""), slog.String("q", `say "hi"`), slog.Group("g", slog.Int("n", 1)),
			slog.Float64("f", 1.5), slog.String("eq", "a=b"), slog.String("uni", "héllo"))
		_ = l.Handler().Handle(context.Background(), r)
	}
	if ours.String() != std.String() {
		t.Fatalf("ours:\n%s\nslog:\n%s", ours.String(), std.String())
	}
	if !strings.HasPrefix(ours.String(), "time=2024-05-06T07:08:09.123Z level=WARN") {
		t.Fatalf("line %q", ours.String())
	}
}

func TestTextHandlerLevel(t *testing.T) {
	var b bytes.Buffer
	l := slog.New(newTextHandler(&b, slog.LevelWarn))
	l.Info("hidden")
	l.Error("shown", "k", 1)
	if strings.Contains(b.String(), "hidden") || !strings.Contains(b.String(), "level=ERROR msg=shown k=1") {
		t.Fatalf("got %q", b.String())
	}
}

// The Logger's direct line is byte for byte what the handler, and so
// slog.TextHandler, writes for the same record.
func TestLogRequestMatchesRecord(t *testing.T) {
	at := time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.FixedZone("x", 3600))
	lines := []requestLine{
		{level: slog.LevelInfo, method: "GET", path: "/ping", status: 200, size: 18, latency: 1500 * time.Microsecond, ip: "127.0.0.1"},
		{level: slog.LevelWarn, method: "POST", path: "/a b/\"q\"=x", status: 404, latency: 3 * time.Second, ip: "::1"},
		{level: slog.LevelError, method: "PUT", path: "/é", status: 500, size: 25, ip: "10.0.0.1",
			errors: "render: boom\nbind: \"x\""},
	}
	handlers := func(w *bytes.Buffer) []slog.Handler {
		base := newTextHandler(w, slog.LevelInfo)
		return []slog.Handler{base, base.WithAttrs([]slog.Attr{slog.String("app", "gee")}).WithGroup("req")}
	}
	for _, l := range lines {
		var direct, viaRecord, std bytes.Buffer
		for i, h := range handlers(&direct) {
			if err := h.(*textHandler).logRequest(at, &l); err != nil {
				t.Fatal(err)
			}
			_ = handlers(&viaRecord)[i].Handle(context.Background(), l.record(at))
		}
		slogH := slog.NewTextHandler(&std, nil)
		_ = slogH.Handle(context.Background(), l.record(at))
		_ = slogH.WithAttrs([]slog.Attr{slog.String("app", "gee")}).WithGroup("req").Handle(context.Background(), l.record(at))
		if direct.String() != viaRecord.String() || direct.String() != std.String() {
			t.Fatalf("direct:\n%s\nrecord:\n%s\nslog:\n%s", direct.String(), viaRecord.String(), std.String())
		}
	}
	var b bytes.Buffer
	h := newTextHandler(&b, slog.LevelWarn)
	_ = h.logRequest(at, &lines[0])
	if b.Len() != 0 {
		t.Fatalf("info line written below the level: %q", b.String())
	}
}

// Logger with the default output format takes the direct path end to end.
func TestLoggerDirectLine(t *testing.T) {
	var b bytes.Buffer
	e := New()
	e.Use(Logger(&LoggerConfig{Logger: slog.New(newTextHandler(&b, slog.LevelInfo))}))
	e.GET("/x", func(c *Context) {
		c.Error(errors.New("oops"))
		c.String(http.StatusTeapot, "tea")
	})
	w := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/x", nil)
	r.RemoteAddr = "192.0.2.1:5"
	e.ServeHTTP(w, r)
	line := b.String()
	for _, want := range []string{" level=WARN msg=request method=GET path=/x status=418 latency=", " ip=192.0.2.1 size=3 errors=oops\n"} {
		if !strings.Contains(line, want) {
			t.Fatalf("line %q lacks %q", line, want)
		}
	}
}

func TestAppendStampMatchesFormat(t *testing.T) {
	zones := []*time.Location{time.UTC, time.FixedZone("e", 5*3600+1800), time.FixedZone("w", -7*3600), time.Local}
	base := time.Date(2024, 3, 31, 0, 59, 59, 0, time.UTC)
	for i := 0; i < 5000; i++ {
		// Steps of 997 ms cross seconds, minutes and (with the zones) days.
		tm := base.Add(time.Duration(i) * 997 * time.Millisecond).Add(time.Duration(i%7) * 123457).In(zones[i%len(zones)])
		got := string(appendStamp(nil, tm))
		if want := tm.Format("2006-01-02T15:04:05.000Z07:00"); got != want {
			t.Fatalf("appendStamp(%v) = %q, want %q", tm, got, want)
		}
	}
}
