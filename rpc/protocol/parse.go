package protocol

import (
	"encoding/binary"
	"errors"
	"fmt"
)

type cursor struct {
	b   []byte
	off int
}

var errTrunc = errors.New("truncated header")

func (c *cursor) uvarint() (uint64, error) {
	x, n := binary.Uvarint(c.b[c.off:])
	if n <= 0 {
		return 0, errTrunc
	}
	c.off += n
	return x, nil
}

func (c *cursor) bytes() ([]byte, error) {
	n, err := c.uvarint()
	if err != nil {
		return nil, err
	}
	if n > uint64(len(c.b)-c.off) {
		return nil, fmt.Errorf("string length %d overruns header", n)
	}
	p := c.b[c.off : c.off+int(n)]
	c.off += int(n)
	return p, nil
}

// ParseFrame decodes a payload returned by ReadFrame, validating every
// length against the payload so garbled input yields an error.
func ParseFrame(p []byte) (Frame, error) {
	var f Frame
	if len(p) < 2 {
		return f, errors.New("protocol: frame shorter than 2 bytes")
	}
	f.Kind, f.Flags = Kind(p[0]), p[1]
	if f.Kind > KindWindow {
		return f, fmt.Errorf("protocol: unknown frame kind %d", f.Kind)
	}
	c := cursor{b: p, off: 2}
	err := parseHeader(&c, &f)
	if err != nil {
		return f, fmt.Errorf("protocol: bad frame header at byte %d: %w", c.off, err)
	}
	f.Body = p[c.off:]
	return f, nil
}

func parseHeader(c *cursor, f *Frame) error {
	var err error
	if f.Seq, err = c.uvarint(); err != nil {
		return err
	}
	if f.Method, err = c.bytes(); err != nil {
		return err
	}
	if f.Error, err = c.bytes(); err != nil {
		return err
	}
	d, n := binary.Varint(c.b[c.off:])
	if n <= 0 {
		return errTrunc
	}
	f.Deadline = d
	c.off += n
	count, err := c.uvarint()
	if err != nil {
		return err
	}
	if count > uint64(len(c.b)-c.off)/2 {
		return fmt.Errorf("metadata count %d overruns header", count)
	}
	metaStart := c.off
	for i := uint64(0); i < 2*count; i++ {
		if _, err := c.bytes(); err != nil {
			return err
		}
	}
	f.Meta, f.MetaN = c.b[metaStart:c.off], int(count)
	return nil
}

// ParseMeta materialises the metadata of a frame that ParseFrame accepted.
func ParseMeta(f *Frame) map[string]string {
	if f.MetaN == 0 {
		return nil
	}
	m := make(map[string]string, f.MetaN)
	c := cursor{b: f.Meta}
	for i := 0; i < f.MetaN; i++ {
		k, _ := c.bytes()
		v, _ := c.bytes()
		m[string(k)] = string(v)
	}
	return m
}
