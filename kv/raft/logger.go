package raft

import (
	"fmt"
	"log"
	"os"
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

// stderrLogger prints warnings and errors to stderr.
type stderrLogger struct{ l *log.Logger }

func newStderrLogger() Logger {
	return stderrLogger{l: log.New(os.Stderr, "raft ", log.LstdFlags)}
}

func (stderrLogger) Debugf(string, ...any) {}

func (stderrLogger) Infof(string, ...any) {}

func (s stderrLogger) Warningf(f string, a ...any) {
	s.l.Output(2, "WARN "+fmt.Sprintf(f, a...))
}
func (s stderrLogger) Errorf(f string, a ...any) {
	s.l.Output(2, "ERROR "+fmt.Sprintf(f, a...))
}
