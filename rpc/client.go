package rpc

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/gee-project/gee/rpc/codec"
	"github.com/gee-project/gee/rpc/protocol"
)

// ErrShutdown is returned by calls on a closed Client.
var ErrShutdown = errors.New("rpc: client is shut down")

// ErrConnLost wraps the cause when a connection breaks with calls pending.
var ErrConnLost = errors.New("rpc: connection lost")

// ServerError is an error returned by the remote method (as opposed to a
// transport failure).
type ServerError string

// Error returns the remote error message.
func (e ServerError) Error() string { return string(e) }

// DialOption configures a Client.
type DialOption func(*dialOptions)

type dialOptions struct {
	codec        string
	gzip         bool
	timeout      time.Duration
	tls          *tls.Config
	interceptors []ClientInterceptor
	maxFrame     int
	httpPath     string // non-empty: tunnel through HTTP CONNECT
}

// WithCodec selects the body codec by name ("binary", "gob", "json").
func WithCodec(name string) DialOption { return func(o *dialOptions) { o.codec = name } }

// WithGzip compresses every request and reply body.
func WithGzip() DialOption { return func(o *dialOptions) { o.gzip = true } }

// WithConnectTimeout bounds dialing plus handshakes (default 10s).
func WithConnectTimeout(d time.Duration) DialOption { return func(o *dialOptions) { o.timeout = d } }

// WithTLS dials with TLS using cfg.
func WithTLS(cfg *tls.Config) DialOption { return func(o *dialOptions) { o.tls = cfg } }

// WithClientInterceptors installs middleware around every call, the first
// one outermost.
func WithClientInterceptors(ics ...ClientInterceptor) DialOption {
	return func(o *dialOptions) { o.interceptors = append(o.interceptors, ics...) }
}

// WithClientMaxFrame bounds the size of reply frames (default 4 MiB).
func WithClientMaxFrame(n int) DialOption { return func(o *dialOptions) { o.maxFrame = n } }

// Client calls one server over one multiplexed connection, redialing on
// the next call after the connection breaks. It is safe for concurrent use.
type Client struct {
	network, addr string
	opts          dialOptions
	codec         codec.Codec
	invoke        Invoker

	mu      sync.Mutex
	conn    *clientConn
	dialing chan struct{} // non-nil while one caller dials; closed when done
	closed  bool
}

// Dial connects to a GeeRPC server.
func Dial(network, addr string, opts ...DialOption) (*Client, error) {
	return dial(context.Background(), network, addr, "", opts)
}

// DialContext is Dial bounded by ctx as well as the connect timeout.
func DialContext(ctx context.Context, network, addr string, opts ...DialOption) (*Client, error) {
	return dial(ctx, network, addr, "", opts)
}

// DialHTTP connects to a GeeRPC server through HTTP CONNECT on its HTTP
// handler (Server.ServeHTTP).
func DialHTTP(network, addr string, opts ...DialOption) (*Client, error) {
	return dial(context.Background(), network, addr, DefaultRPCPath, opts)
}

func dial(ctx context.Context, network, addr, httpPath string, opts []DialOption) (*Client, error) {
	o := dialOptions{codec: "binary", timeout: 10 * time.Second, maxFrame: protocol.DefaultMaxFrame, httpPath: httpPath}
	for _, f := range opts {
		f(&o)
	}
	cd, err := codec.Get(o.codec)
	if err != nil {
		return nil, err
	}
	c := &Client{network: network, addr: addr, opts: o, codec: cd}
	c.invoke = chainClient(o.interceptors, c.roundTrip)
	if _, err := c.getConn(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// Addr is the server address the client dials.
func (c *Client) Addr() string { return c.addr }

// Call invokes serviceMethod ("Service.Method") and waits for the reply.
// ctx's deadline is sent to the server; cancelling ctx abandons the call
// and cancels the handler's context on the server.
func (c *Client) Call(ctx context.Context, serviceMethod string, args, reply any) error {
	return c.invoke(ctx, serviceMethod, args, reply)
}

// AsyncCall is an in-progress call started by Go.
type AsyncCall struct {
	ServiceMethod string
	Args, Reply   any
	Error         error
	Done          chan *AsyncCall
}

// Go starts a call asynchronously; the AsyncCall is sent on done (made
// with capacity 1 when nil) when it completes. Unlike net/rpc, an
// unbuffered done channel is fine: the send waits for the receiver.
func (c *Client) Go(ctx context.Context, serviceMethod string, args, reply any, done chan *AsyncCall) *AsyncCall {
	if done == nil {
		done = make(chan *AsyncCall, 1)
	}
	call := &AsyncCall{ServiceMethod: serviceMethod, Args: args, Reply: reply, Done: done}
	go func() {
		call.Error = c.Call(ctx, serviceMethod, args, reply)
		call.Done <- call
	}()
	return call
}

// Close closes the connection; pending calls fail with ErrShutdown.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return ErrShutdown
	}
	c.closed = true
	if c.conn != nil {
		c.conn.fail(ErrShutdown)
	}
	return nil
}

// getConn returns the live connection, dialing a new one if the last
// broke. One caller dials; the others wait for it or for their context.
func (c *Client) getConn(ctx context.Context) (*clientConn, error) {
	for {
		c.mu.Lock()
		if c.closed {
			c.mu.Unlock()
			return nil, ErrShutdown
		}
		if c.conn != nil && !c.conn.broken() {
			cc := c.conn
			c.mu.Unlock()
			return cc, nil
		}
		if wait := c.dialing; wait != nil {
			c.mu.Unlock()
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return nil, fmt.Errorf("rpc: waiting for connection to %s: %w", c.addr, ctx.Err())
			}
		}
		done := make(chan struct{})
		c.dialing = done
		c.mu.Unlock()
		cc, err := c.connect(ctx)
		c.mu.Lock()
		c.dialing = nil
		close(done)
		if err == nil && c.closed {
			cc.fail(ErrShutdown)
			err = ErrShutdown
		}
		if err != nil {
			c.mu.Unlock()
			return nil, err
		}
		c.conn = cc
		c.mu.Unlock()
		return cc, nil
	}
}

// roundTrip is the innermost Invoker.
func (c *Client) roundTrip(ctx context.Context, method string, args, reply any) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("rpc: call %s: %w", method, err)
	}
	cc, err := c.getConn(ctx)
	if err != nil {
		return err
	}
	return cc.call(ctx, method, args, reply)
}

// IsTransportError reports whether err came from the connection (dial
// failure, broken connection, closed client) rather than from the method.
func IsTransportError(err error) bool {
	var se ServerError
	return err != nil && !errors.As(err, &se) && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}
