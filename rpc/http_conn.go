package rpc

import (
	"bufio"
	"net"
)

// bufferedConn reads through the bufio.Reader a hijacked HTTP connection
// may already have filled.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(p []byte) (int, error) { return c.r.Read(p) }
