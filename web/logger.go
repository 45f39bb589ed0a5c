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
		// Built by hand and passed straight to the handler: Logger.LogAttrs
		// would walk the stack for a source PC on every request.
		end := time.Now()
		r := slog.NewRecord(end, level, "request", 0)
		r.AddAttrs(
			slog.String("method", c.Request.Method),
			slog.String("path", path),
			slog.Int("status", status),
			slog.Duration("latency", end.Sub(start)),
			slog.String("ip", c.ClientIP()),
		)
		r.AddAttrs(slog.Int("size", max(c.Writer.Size(), 0)))
		if len(c.Errors) > 0 {
			r.AddAttrs(slog.String("errors", c.Errors.String()))
		}
		_ = h.Handle(ctx, r)
	}
}
