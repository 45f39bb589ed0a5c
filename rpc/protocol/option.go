// Package protocol is GeeRPC's wire format: a connection preamble (the
// option header) followed by length-prefixed frames. See docs/rpc.md.
package protocol

import (
	"errors"
	"fmt"
	"io"
)

// Magic opens every GeeRPC connection.
var Magic = [4]byte{'G', 'E', 'E', 'R'}

// Version is the protocol version this package speaks.
const Version = 1

// Compression identifiers carried in the option header.
const (
	CompressNone byte = 0
	CompressGzip byte = 1
)

// Option is the connection preamble: which codec and compression the frames
// that follow use.
type Option struct {
	Codec    string
	Compress byte
}

// AppendOption appends the preamble bytes: magic(4) version(1) compress(1)
// codec-name-length(1) codec-name(n).
func AppendOption(dst []byte, o Option) ([]byte, error) {
	if len(o.Codec) == 0 || len(o.Codec) > 255 {
		return dst, fmt.Errorf("protocol: codec name %q must be 1..255 bytes", o.Codec)
	}
	dst = append(dst, Magic[:]...)
	dst = append(dst, Version, o.Compress, byte(len(o.Codec)))
	return append(dst, o.Codec...), nil
}

// ReadOption reads and validates a preamble.
func ReadOption(r io.Reader) (Option, error) {
	var fixed [7]byte
	if _, err := io.ReadFull(r, fixed[:]); err != nil {
		return Option{}, fmt.Errorf("protocol: reading option header: %w", err)
	}
	if [4]byte(fixed[:4]) != Magic {
		return Option{}, fmt.Errorf("protocol: bad magic number %q", fixed[:4])
	}
	if fixed[4] != Version {
		return Option{}, fmt.Errorf("protocol: unsupported version %d", fixed[4])
	}
	if fixed[5] > CompressGzip {
		return Option{}, fmt.Errorf("protocol: unknown compression %d", fixed[5])
	}
	if fixed[6] == 0 {
		return Option{}, errors.New("protocol: empty codec name")
	}
	name := make([]byte, fixed[6])
	if _, err := io.ReadFull(r, name); err != nil {
		return Option{}, fmt.Errorf("protocol: reading codec name: %w", err)
	}
	return Option{Codec: string(name), Compress: fixed[5]}, nil
}
