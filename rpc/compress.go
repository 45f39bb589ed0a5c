package rpc

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"sync"
)

var gzipWriters = sync.Pool{New: func() any { return gzip.NewWriter(nil) }}

// gzipAppend appends the gzip compression of p to dst.
func gzipAppend(dst, p []byte) []byte {
	buf := bytes.NewBuffer(dst)
	zw := gzipWriters.Get().(*gzip.Writer)
	zw.Reset(buf)
	_, _ = zw.Write(p) // writes to a bytes.Buffer cannot fail
	_ = zw.Close()
	gzipWriters.Put(zw)
	return buf.Bytes()
}

// gunzip decompresses p, refusing output larger than limit bytes so a
// small "zip bomb" frame cannot exhaust memory.
func gunzip(p []byte, limit int) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(p))
	if err != nil {
		return nil, fmt.Errorf("rpc: gzip body: %w", err)
	}
	out, err := io.ReadAll(io.LimitReader(zr, int64(limit)+1))
	if err != nil {
		return nil, fmt.Errorf("rpc: gzip body: %w", err)
	}
	if len(out) > limit {
		return nil, fmt.Errorf("rpc: gzip body inflates past %d bytes", limit)
	}
	return out, nil
}
