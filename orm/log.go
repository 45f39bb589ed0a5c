package orm

import (
	"context"
	"log/slog"
	"time"
)

// logStmt reports a finished statement; callers skip it when no logger is set.
func (e *Engine) logStmt(ctx context.Context, start time.Time, query string, args []any, err error) {
	d := time.Since(start)
	switch {
	case err != nil:
		e.log.LogAttrs(ctx, slog.LevelError, "orm: statement failed",
			slog.String("sql", query), slog.Duration("duration", d), slog.String("error", err.Error()))
	case e.slow > 0 && d >= e.slow:
		e.log.LogAttrs(ctx, slog.LevelWarn, "orm: slow statement",
			slog.String("sql", query), slog.Duration("duration", d), slog.Duration("threshold", e.slow))
	case e.log.Enabled(ctx, slog.LevelDebug):
		e.log.LogAttrs(ctx, slog.LevelDebug, "orm: statement",
			slog.String("sql", query), slog.Any("args", args), slog.Duration("duration", d))
	}
}
