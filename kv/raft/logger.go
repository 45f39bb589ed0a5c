package raft

import (
	"context"
	"fmt"
	"log/slog"
)

// Logger receives the node's diagnostics.
type Logger interface {
	Debugf(format string, args ...any)
	Infof(format string, args ...any)
	Warningf(format string, args ...any)
	Errorf(format string, args ...any)
}

// DiscardLogger drops everything; tests and simulations use it.
type DiscardLogger struct{}

// Debugf implements Logger.
func (DiscardLogger) Debugf(string, ...any) {}

// Infof implements Logger.
func (DiscardLogger) Infof(string, ...any) {}

// Warningf implements Logger.
func (DiscardLogger) Warningf(string, ...any) {}

// Errorf implements Logger.
func (DiscardLogger) Errorf(string, ...any) {}

// SlogLogger adapts an *slog.Logger: Infof and Debugf at Debug level
// (raft's info lines are per election and per conf change, too chatty for
// Info in a store hosting many groups), warnings and errors at their levels.
func SlogLogger(l *slog.Logger) Logger { return slogLogger{l} }

type slogLogger struct{ l *slog.Logger }

func (s slogLogger) Debugf(f string, a ...any) { s.log(slog.LevelDebug, f, a) }
func (s slogLogger) Infof(f string, a ...any)  { s.log(slog.LevelDebug, f, a) }
func (s slogLogger) Warningf(f string, a ...any) {
	s.log(slog.LevelWarn, f, a)
}
func (s slogLogger) Errorf(f string, a ...any) { s.log(slog.LevelError, f, a) }

func (s slogLogger) log(level slog.Level, f string, a []any) {
	ctx := context.Background()
	if s.l.Enabled(ctx, level) { // format only what will be written
		s.l.Log(ctx, level, fmt.Sprintf(f, a...))
	}
}
