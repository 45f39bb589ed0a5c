package web

import (
	"bytes"
	"context"
	"log/slog"
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
