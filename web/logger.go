package web

import (
	"context"
	"log/slog"
	"os"
	"time"
)

// LoggerConfig configures Logger.
type LoggerConfig struct {
	// Logger receives one record per request; default: text to stderr.
	Logger *slog.Logger
	// SkipPaths are paths not logged (e.g. health checks).
	SkipPaths []string
}

// Logger logs each request with log/slog: method, path, status, latency,
// size, client IP and any collected errors. Server errors log at Error,
// client errors at Warn.
func Logger(cfg *LoggerConfig) HandlerFunc {
	var conf LoggerConfig
	if cfg != nil {
		conf = *cfg
	}
	log := conf.Logger
	if log == nil {
		// one write syscall per request is most of a logged request's cost: batch them
		log = slog.New(newTextHandler(newBatchWriter(os.Stderr), slog.LevelInfo))
	}
	skip := make(map[string]bool, len(conf.SkipPaths))
	for _, p := range conf.SkipPaths {
		skip[p] = true
	}
	h := log.Handler()
	// The default output is ours: format the line straight into it,
	// without building an slog.Record (same bytes, TestLogRequestMatchesRecord).
	direct, _ := h.(*textHandler)
	return func(c *Context) {
		start := time.Now()
		path := c.Request.URL.Path
		c.Next()
		if skip[path] {
			return
		}
		status := c.Writer.Status()
		level := slog.LevelInfo
		switch {
		case status >= 500:
			level = slog.LevelError
		case status >= 400:
			level = slog.LevelWarn
		}
		ctx := context.Background()
		if !h.Enabled(ctx, level) {
			return
		}
		end := time.Now()
		line := requestLine{
			level: level, method: c.Request.Method, path: path, status: status,
			latency: end.Sub(start), ip: c.ClientIP(), size: max(c.Writer.Size(), 0),
		}
		if len(c.Errors) > 0 {
			line.errors = c.Errors.String()
		}
		if direct != nil {
			_ = direct.logRequest(end, &line)
			return
		}
		_ = h.Handle(ctx, line.record(end))
	}
}

// requestLine is what Logger records about one request.
type requestLine struct {
	level        slog.Level
	method, path string
	status, size int
	latency      time.Duration
	ip, errors   string
}

// record builds the slog.Record by hand: Logger.LogAttrs would walk the
// stack for a source PC on every request.
func (l *requestLine) record(t time.Time) slog.Record {
	r := slog.NewRecord(t, l.level, "request", 0)
	r.AddAttrs(
		slog.String("method", l.method),
		slog.String("path", l.path),
		slog.Int("status", l.status),
		slog.Duration("latency", l.latency),
		slog.String("ip", l.ip),
	)
	r.AddAttrs(slog.Int("size", l.size))
	if l.errors != "" {
		r.AddAttrs(slog.String("errors", l.errors))
	}
	return r
}
