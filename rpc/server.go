package rpc

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gee-project/gee/rpc/protocol"
)

// ErrServerClosed is returned by Serve after Shutdown or Close.
var ErrServerClosed = errors.New("rpc: server closed")

// ServerOption configures a Server.
type ServerOption func(*Server)

// WithMaxFrame bounds the size of frames the server accepts (default 4 MiB).
func WithMaxFrame(n int) ServerOption { return func(s *Server) { s.maxFrame = n } }

// WithServerInterceptors installs middleware run around every call, the
// first one outermost.
func WithServerInterceptors(ics ...ServerInterceptor) ServerOption {
	return func(s *Server) { s.interceptors = append(s.interceptors, ics...) }
}

// WithLogger sets the logger of connection errors: a bad handshake or
// frame, a refused connection (Warn), a failed debug page or hijack
// (Error). A library is silent by default, so without this option the
// server logs nothing.
func WithLogger(l *slog.Logger) ServerOption {
	return func(s *Server) {
		if l != nil {
			s.log = l
		}
	}
}

// Server serves registered services over GeeRPC connections, HTTP CONNECT
// and JSON-RPC 2.0.
type Server struct {
	maxFrame     int
	lim          limits
	interceptors []ServerInterceptor
	jsonAliases  map[string]string
	handler      Handler
	log          *slog.Logger

	methods atomic.Pointer[map[string]*methodType] // copy-on-write, "Svc.Method" keys
	regMu   sync.Mutex

	jobs     chan job      // idle workers wait here
	idle     atomic.Int32  // workers parked on jobs
	done     chan struct{} // closed by Close/Shutdown: parked workers exit
	doneOnce sync.Once
	closing  atomic.Bool
	active   atomic.Int64 // calls in flight
	mu       sync.Mutex
	conns    map[*serverConn]struct{}
	listener map[net.Listener]struct{}
}

// NewServer returns a Server with no services.
func NewServer(opts ...ServerOption) *Server {
	s := &Server{maxFrame: protocol.DefaultMaxFrame, log: slog.New(slog.DiscardHandler), lim: defaultLimits(),
		conns: map[*serverConn]struct{}{}, listener: map[net.Listener]struct{}{}}
	for _, o := range opts {
		o(s)
	}
	s.jobs, s.done = make(chan job), make(chan struct{})
	s.methods.Store(&map[string]*methodType{})
	s.handler = chainServer(s.interceptors, s.dispatch)
	return s
}

// Register publishes rcvr's methods under its concrete type's name.
func (s *Server) Register(rcvr any) error {
	t := reflect.TypeOf(rcvr)
	if t == nil {
		return errors.New("rpc: Register of nil receiver")
	}
	return s.RegisterName(reflect.Indirect(reflect.ValueOf(rcvr)).Type().Name(), rcvr)
}

// RegisterName publishes rcvr's methods as "name.Method".
func (s *Server) RegisterName(name string, rcvr any) error {
	methods, err := buildService(rcvr, name)
	if err != nil {
		return err
	}
	s.regMu.Lock()
	defer s.regMu.Unlock()
	old := *s.methods.Load()
	next := make(map[string]*methodType, len(old)+len(methods))
	for k, v := range old {
		if v.service == name {
			return fmt.Errorf("rpc: service %q already registered", name)
		}
		next[k] = v
	}
	for m, mt := range methods {
		next[name+"."+m] = mt
	}
	s.methods.Store(&next)
	return nil
}

func (s *Server) lookup(method []byte) *methodType {
	return (*s.methods.Load())[string(method)]
}

// dispatch is the innermost Handler: it runs the method itself.
func (s *Server) dispatch(ctx context.Context, method string, args, reply any) error {
	m := (*s.methods.Load())[method]
	if m == nil {
		return fmt.Errorf("rpc: can't find method %q", method)
	}
	if m.stream {
		st, ok := args.(*Stream)
		if !ok {
			return fmt.Errorf("rpc: %s is a streaming method; open it with NewStream", method)
		}
		return m.callStream(ctx, st)
	}
	return m.call(ctx, reflect.ValueOf(args), reflect.ValueOf(reply))
}

// invoke runs one call through the interceptors, keeping statistics.
// Callers count the call in s.active and refuse it once closing.
func (s *Server) invoke(ctx context.Context, m *methodType, method string, argp, replyp reflect.Value) error {
	start := time.Now()
	err := s.handler(ctx, method, argp.Interface(), replyp.Interface())
	m.record(start, err)
	return err
}

// ErrServerShuttingDown is the error of a call that reached a server after
// Shutdown began. The method did not run, so the call is safe to retry
// elsewhere; IsTransportError reports true for it.
var ErrServerShuttingDown = errors.New("rpc: server is shutting down")

// Serve accepts connections on l until Shutdown or Close.
func (s *Server) Serve(l net.Listener) error {
	s.mu.Lock()
	if s.closing.Load() {
		s.mu.Unlock()
		return ErrServerClosed
	}
	s.listener[l] = struct{}{}
	s.mu.Unlock()
	for {
		c, err := l.Accept()
		if err != nil {
			if s.closing.Load() {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				time.Sleep(5 * time.Millisecond)
				continue
			}
			return err
		}
		go s.ServeConn(c)
	}
}

// ServeTLS is Serve over TLS with cfg.
func (s *Server) ServeTLS(l net.Listener, cfg *tls.Config) error {
	return s.Serve(tls.NewListener(l, cfg))
}

// ServeConn serves one connection until it closes; it blocks.
func (s *Server) ServeConn(c io.ReadWriteCloser) {
	sc := newServerConn(s, c)
	s.mu.Lock()
	if s.closing.Load() {
		s.mu.Unlock()
		c.Close()
		return
	}
	if over(int64(len(s.conns))+1, s.lim.maxConns) {
		s.mu.Unlock()
		sc.warn("geerpc: refusing connection: connection limit reached", "limit", s.lim.maxConns)
		c.Close()
		return
	}
	s.conns[sc] = struct{}{}
	s.mu.Unlock()
	sc.serve()
	s.mu.Lock()
	delete(s.conns, sc)
	s.mu.Unlock()
}

// Shutdown stops accepting connections, lets in-flight calls finish and
// send their replies, then closes every connection. If ctx ends first the
// remaining handlers' contexts are cancelled and ctx's error is returned.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing.Store(true)
	for l := range s.listener {
		l.Close()
	}
	s.mu.Unlock()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	var err error
	for s.active.Load() > 0 && err == nil {
		select {
		case <-ctx.Done():
			err = ctx.Err()
		case <-tick.C:
		}
	}
	s.closeConns()
	return err
}

// Close stops the server at once, cancelling in-flight calls.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closing.Store(true)
	for l := range s.listener {
		l.Close()
	}
	s.mu.Unlock()
	s.closeConns()
	return nil
}

func (s *Server) closeConns() {
	s.doneOnce.Do(func() { close(s.done) })
	s.mu.Lock()
	defer s.mu.Unlock()
	for sc := range s.conns {
		sc.close()
	}
}
