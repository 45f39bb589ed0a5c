// Package cachepb encodes the peer messages of the groupcache protocol by
// hand with protowire, wire-compatible with golang/groupcache's groupcachepb:
//
//	message GetRequest  { required string group = 1; required string key = 2; }
//	message GetResponse { optional bytes value = 1; optional double minute_qps = 2;
//	                      optional int64 expire = 3; }
//
// Field 3 (expiry in unix nanoseconds) is mailgun/groupcache's extension;
// golang/groupcache skips it as an unknown field.
package cachepb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// ErrTooLarge is returned when a message exceeds the decoder's size limit.
var ErrTooLarge = errors.New("cachepb: message exceeds size limit")

// GetRequest asks a peer for one key of one group.
type GetRequest struct {
	Group string
	Key   string
}

// GetResponse carries a value and the owner's measured per-minute rate of
// requests for the key (0 when unknown).
type GetResponse struct {
	Value     []byte
	MinuteQPS float64
	Expire    int64 // unix nanoseconds; 0 = no expiry
}

// Marshal appends the wire form of r to b.
func (r *GetRequest) Marshal(b []byte) []byte {
	b = protowire.AppendTag(b, 1, protowire.BytesType)
	b = protowire.AppendString(b, r.Group)
	b = protowire.AppendTag(b, 2, protowire.BytesType)
	return protowire.AppendString(b, r.Key)
}

// Unmarshal decodes a GetRequest; both fields are required.
func (r *GetRequest) Unmarshal(b []byte) error {
	var seen [3]bool
	err := walk(b, func(num protowire.Number, typ protowire.Type, v []byte) error {
		if (num == 1 || num == 2) && typ != protowire.BytesType {
			return fmt.Errorf("cachepb: GetRequest field %d has wire type %d, want bytes", num, typ)
		}
		switch num {
		case 1:
			r.Group, seen[1] = string(v), true
		case 2:
			r.Key, seen[2] = string(v), true
		}
		return nil
	})
	if err != nil {
		return err
	}
	if !seen[1] || !seen[2] {
		return errors.New("cachepb: GetRequest misses required field group or key")
	}
	return nil
}

// Marshal appends the wire form of r to b. Unset fields are omitted.
func (r *GetResponse) Marshal(b []byte) []byte {
	if r.Value != nil {
		b = protowire.AppendTag(b, 1, protowire.BytesType)
		b = protowire.AppendBytes(b, r.Value)
	}
	if r.MinuteQPS != 0 {
		b = protowire.AppendTag(b, 2, protowire.Fixed64Type)
		b = protowire.AppendFixed64(b, math.Float64bits(r.MinuteQPS))
	}
	if r.Expire != 0 {
		b = protowire.AppendTag(b, 3, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(r.Expire))
	}
	return b
}

// Unmarshal decodes a GetResponse from untrusted bytes. The value is copied,
// so b may be reused. Messages longer than maxSize (if > 0) are rejected.
func (r *GetResponse) Unmarshal(b []byte, maxSize int) error {
	if maxSize > 0 && len(b) > maxSize {
		return fmt.Errorf("%w: %d bytes > %d", ErrTooLarge, len(b), maxSize)
	}
	*r = GetResponse{}
	return walk(b, func(num protowire.Number, typ protowire.Type, v []byte) error {
		switch {
		case num == 1 && typ == protowire.BytesType:
			r.Value = append([]byte{}, v...)
		case num == 2 && typ == protowire.Fixed64Type:
			r.MinuteQPS = math.Float64frombits(binary.LittleEndian.Uint64(v))
		case num == 3 && typ == protowire.VarintType:
			x, _ := protowire.ConsumeVarint(v)
			r.Expire = int64(x)
		case num <= 3:
			return fmt.Errorf("cachepb: GetResponse field %d has wrong wire type %d", num, typ)
		}
		return nil
	})
}

// walk visits every field of a message, skipping unknown ones. For bytes
// fields v is the payload; for fixed64 it is the 8 raw bytes; for other
// types it is the raw encoded value.
func walk(b []byte, visit func(protowire.Number, protowire.Type, []byte) error) error {
	for off := 0; len(b) > 0; {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return fmt.Errorf("cachepb: bad tag at byte %d: %w", off, protowire.ParseError(n))
		}
		var v []byte
		m := 0
		switch typ {
		case protowire.BytesType:
			v, m = protowire.ConsumeBytes(b[n:])
		case protowire.Fixed64Type:
			if len(b[n:]) >= 8 {
				v, m = b[n:n+8], 8
			} else {
				m = -1
			}
		default:
			m = protowire.ConsumeFieldValue(num, typ, b[n:])
			if m >= 0 {
				v = b[n : n+m]
			}
		}
		if m < 0 {
			return fmt.Errorf("cachepb: bad field %d at byte %d: %w", num, off, protowire.ParseError(m))
		}
		if err := visit(num, typ, v); err != nil {
			return err
		}
		b = b[n+m:]
		off += n + m
	}
	return nil
}
