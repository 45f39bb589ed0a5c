package middleware

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"sync/atomic"

	"github.com/gee-project/gee/web"
)

// RequestIDHeader is the header carrying the request ID both ways.
const RequestIDHeader = "X-Request-ID"

// RequestIDKey is the Context key holding the request ID.
const RequestIDKey = "request_id"

// RequestID tags each request with an ID: a well-formed incoming
// X-Request-ID is kept, otherwise a new one is made (a random per-process
// prefix plus a counter, unique without a syscall per request). The ID is
// set on the response and stored under RequestIDKey.
func RequestID() web.HandlerFunc {
	var seed [6]byte
	_, _ = rand.Read(seed[:])
	prefix := hex.EncodeToString(seed[:]) + "-"
	var n atomic.Uint64
	return func(c *web.Context) {
		id := c.GetHeader(RequestIDHeader)
		if !validID(id) {
			id = prefix + strconv.FormatUint(n.Add(1), 36)
		}
		c.Set(RequestIDKey, id)
		c.Header(RequestIDHeader, id)
		c.Next()
	}
}

// validID accepts short printable IDs, refusing anything that could
// inject into logs or headers.
func validID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < 0x21 || id[i] > 0x7e {
			return false
		}
	}
	return true
}
