package rpc

import (
	"errors"
	"time"
)

// Defaults of the server's resource limits; each has an option, and a
// value ≤ 0 there disables the limit.
const (
	// DefaultHandshakeTimeout bounds how long a new connection may take to
	// send its option header.
	DefaultHandshakeTimeout = 10 * time.Second
	// DefaultFrameTimeout bounds how long a frame may take to arrive once
	// its first byte has (a client trickling a frame is cut off).
	DefaultFrameTimeout = 30 * time.Second
	// DefaultWriteTimeout bounds each write of replies: a client that
	// stops reading for this long loses its connection (and the handlers
	// waiting to reply to it are released).
	DefaultWriteTimeout = 30 * time.Second
	// DefaultIdleTimeout closes connections with no call in flight that
	// have sent nothing for this long.
	DefaultIdleTimeout = 5 * time.Minute
	// DefaultMaxConns bounds concurrent connections; more are closed at once.
	DefaultMaxConns = 10000
	// DefaultMaxCalls bounds calls in flight on the whole server (the
	// admission queue); more are refused with ErrServerOverloaded.
	DefaultMaxCalls = 10000
	// DefaultMaxCallsPerConn bounds calls in flight on one connection.
	DefaultMaxCallsPerConn = 1000
)

// ErrServerOverloaded is the error of a call refused because the server or
// its connection already had the maximum of calls in flight. The method did
// not run, so the call is safe to retry (later, or elsewhere);
// IsTransportError reports true for it.
var ErrServerOverloaded = errors.New("rpc: server overloaded, retry later")

// limits are a server's resource bounds.
type limits struct {
	handshake, frame, idle, write time.Duration
	maxConns, maxCalls, perConn   int
}

func defaultLimits() limits {
	return limits{handshake: DefaultHandshakeTimeout, frame: DefaultFrameTimeout, idle: DefaultIdleTimeout, write: DefaultWriteTimeout,
		maxConns: DefaultMaxConns, maxCalls: DefaultMaxCalls, perConn: DefaultMaxCallsPerConn}
}

// WithHandshakeTimeout sets how long a connection may take to send its
// option header (default DefaultHandshakeTimeout).
func WithHandshakeTimeout(d time.Duration) ServerOption {
	return func(s *Server) { s.lim.handshake = d }
}

// WithFrameTimeout sets how long a frame may take to arrive once its
// first byte has (default DefaultFrameTimeout).
func WithFrameTimeout(d time.Duration) ServerOption { return func(s *Server) { s.lim.frame = d } }

// WithIdleTimeout sets how long a connection with no call in flight may stay
// silent (default DefaultIdleTimeout).
func WithIdleTimeout(d time.Duration) ServerOption { return func(s *Server) { s.lim.idle = d } }

// WithWriteTimeout sets how long one write of replies may block on a client
// that does not read (default DefaultWriteTimeout).
func WithWriteTimeout(d time.Duration) ServerOption { return func(s *Server) { s.lim.write = d } }

// WithMaxConns bounds concurrent connections (default DefaultMaxConns).
func WithMaxConns(n int) ServerOption { return func(s *Server) { s.lim.maxConns = n } }

// WithMaxCalls bounds calls in flight on the server, and perConn those on
// one connection (defaults DefaultMaxCalls, DefaultMaxCallsPerConn); calls
// over either bound are refused with ErrServerOverloaded.
func WithMaxCalls(total, perConn int) ServerOption {
	return func(s *Server) { s.lim.maxCalls, s.lim.perConn = total, perConn }
}

func over(n int64, limit int) bool { return limit > 0 && n > int64(limit) }

// deadline is now+d, or no deadline when d ≤ 0.
func deadline(d time.Duration) time.Time {
	if d <= 0 {
		return time.Time{}
	}
	return time.Now().Add(d)
}
