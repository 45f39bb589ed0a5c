package protocol

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Kind says what a frame carries.
type Kind byte

// Frame kinds.
const (
	KindRequest  Kind = 0
	KindResponse Kind = 1
	KindCancel   Kind = 2 // client abandons call Seq; the server cancels its handler
	// Streams: a KindRequest with FlagStream opens stream Seq; then either
	// side sends messages, grants flow-control credit and ends its half.
	KindStreamMsg Kind = 3 // one message on stream Seq (body)
	KindStreamEnd Kind = 4 // sender's half is over; from the server, Error is the final status
	KindWindow    Kind = 5 // body: uvarint bytes of credit granted to the peer on stream Seq
)

// Flag bits of a frame.
const (
	FlagGzip   byte = 1 << 0 // body is gzip-compressed
	FlagStream byte = 1 << 1 // on a request: open a stream rather than make a call
)

// DefaultMaxFrame bounds a frame's size unless configured otherwise.
const DefaultMaxFrame = 4 << 20

// Header is the encoding-side view of a frame header.
type Header struct {
	Kind     Kind
	Flags    byte
	Seq      uint64
	Method   string // "Service.Method"
	Error    string
	Deadline int64 // Unix nanoseconds; 0 means none
	Meta     map[string]string
}

// StartFrame appends a frame's length placeholder and header to dst; the
// caller appends the body and calls FinishFrame(dst, start).
func StartFrame(dst []byte, h *Header) (out []byte, start int) {
	start = len(dst)
	dst = append(dst, 0, 0, 0, 0, byte(h.Kind), h.Flags)
	dst = binary.AppendUvarint(dst, h.Seq)
	dst = appendString(dst, h.Method)
	dst = appendString(dst, h.Error)
	dst = binary.AppendVarint(dst, h.Deadline)
	dst = binary.AppendUvarint(dst, uint64(len(h.Meta)))
	for k, v := range h.Meta {
		dst = appendString(appendString(dst, k), v)
	}
	return dst, start
}

// FinishFrame writes the length prefix of the frame started at start.
func FinishFrame(dst []byte, start int) []byte {
	binary.BigEndian.PutUint32(dst[start:], uint32(len(dst)-start-4))
	return dst
}

func appendString(dst []byte, s string) []byte {
	return append(binary.AppendUvarint(dst, uint64(len(s))), s...)
}

// Frame is a parsed frame; its byte slices alias the read buffer and are
// valid until the next ReadFrame.
type Frame struct {
	Kind     Kind
	Flags    byte
	Seq      uint64
	Method   []byte
	Error    []byte
	Deadline int64
	Meta     []byte // raw pairs section; see ParseMeta
	MetaN    int
	Body     []byte
}

// ErrFrameTooLarge reports a length prefix over the configured maximum.
var ErrFrameTooLarge = errors.New("protocol: frame exceeds maximum size")

// ReadFrame reads one frame's payload into buf and returns the payload. A
// frame larger than buf's capacity grows the buffer as its bytes arrive
// (doubling from 64 KiB), so a peer that declares a large frame and sends
// little costs little memory.
func ReadFrame(r *bufio.Reader, buf []byte, max int) ([]byte, error) {
	var lp [4]byte
	if _, err := io.ReadFull(r, lp[:]); err != nil {
		return buf, err
	}
	n := int(binary.BigEndian.Uint32(lp[:]))
	if n > max {
		return buf, fmt.Errorf("%w: %d > %d bytes", ErrFrameTooLarge, n, max)
	}
	var err error
	if cap(buf) >= n {
		buf = buf[:n]
		_, err = io.ReadFull(r, buf)
	} else {
		buf, err = readGrowing(r, buf[:0], n)
	}
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return buf, fmt.Errorf("protocol: truncated frame: %w", err)
	}
	return buf, nil
}

// growStep is the first allocation for a frame that does not fit the
// buffer; it doubles from there as bytes arrive.
const growStep = 64 << 10

func readGrowing(r io.Reader, buf []byte, n int) ([]byte, error) {
	for len(buf) < n {
		if len(buf) == cap(buf) {
			next := make([]byte, len(buf), min(n, max(2*cap(buf), growStep)))
			copy(next, buf)
			buf = next
		}
		m, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if err != nil && len(buf) < n {
			return buf, err
		}
	}
	return buf, nil
}
