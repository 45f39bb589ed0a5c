// Package snap is the payload format of a region snapshot: what a raftstore leader puts in
// raftpb.Snapshot.Data and a follower installs. It is built from a pebble snapshot of the
// region's data in every column family plus the region's state, and it travels between
// stores, so the decoder treats it as untrusted bytes.
//
// Layout (integers are unsigned varints unless noted):
//
//	magic "TKVSNAP" (7 bytes) | version (1 byte, = 1)
//	len | RegionLocalState protobuf
//	records: cf (1 byte: 0 default, 1 lock, 2 write) | len | key | len | value
//	end marker 0xFF | record count
//	CRC-32C of everything before it (4 bytes, big-endian)
//
// The checksum is verified before anything else is read, and every length is checked
// against the bytes that remain, so a truncated or corrupt payload is rejected with an
// error and no allocation is ever sized by a length field.
package snap

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"

	"github.com/gee-project/gee/kv/engine"
	"github.com/gee-project/gee/kv/proto/raftserverpb"
	"google.golang.org/protobuf/proto"
)

const (
	magic     = "TKVSNAP"
	version   = 1
	endMarker = 0xFF
	// headerLen is magic + version; trailerLen is the checksum.
	headerLen  = len(magic) + 1
	trailerLen = 4
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// ErrTooLarge means a payload is over the size limit (encoding or decoding).
var ErrTooLarge = errors.New("snap: snapshot exceeds the size limit")

// cfCodes maps the column families to their one-byte record codes (index = code).
var cfCodes = [...]string{engine.CFDefault, engine.CFLock, engine.CFWrite}

func cfCode(cf string) (byte, error) {
	for i, name := range cfCodes {
		if cf == name || (cf == "" && i == 0) {
			return byte(i), nil
		}
	}
	return 0, fmt.Errorf("snap: unknown column family %q", cf)
}

// Encoder builds a payload. Add pairs in any order, then call Finish.
type Encoder struct {
	buf   []byte
	count uint64
	limit uint64
	err   error
}

// NewEncoder starts a payload for state; limit caps the payload size in bytes (0: no limit).
func NewEncoder(state *raftserverpb.RegionLocalState, limit uint64) (*Encoder, error) {
	st, err := proto.Marshal(state)
	if err != nil {
		return nil, fmt.Errorf("snap: encode region state: %w", err)
	}
	e := &Encoder{limit: limit}
	e.buf = append(e.buf, magic...)
	e.buf = append(e.buf, version)
	e.buf = binary.AppendUvarint(e.buf, uint64(len(st)))
	e.buf = append(e.buf, st...)
	return e, e.check()
}

func (e *Encoder) check() error {
	if e.limit > 0 && uint64(len(e.buf)+1+binary.MaxVarintLen64+trailerLen) > e.limit {
		e.err = fmt.Errorf("%w (%d bytes)", ErrTooLarge, e.limit)
	}
	return e.err
}

// Add appends one key-value pair of cf. It fails once the size limit is passed.
func (e *Encoder) Add(cf string, key, value []byte) error {
	if e.err != nil {
		return e.err
	}
	code, err := cfCode(cf)
	if err != nil {
		e.err = err
		return err
	}
	e.buf = append(e.buf, code)
	e.buf = binary.AppendUvarint(e.buf, uint64(len(key)))
	e.buf = append(e.buf, key...)
	e.buf = binary.AppendUvarint(e.buf, uint64(len(value)))
	e.buf = append(e.buf, value...)
	e.count++
	return e.check()
}

// Finish returns the payload; the Encoder must not be used afterwards.
func (e *Encoder) Finish() ([]byte, error) {
	if e.err != nil {
		return nil, e.err
	}
	e.buf = append(e.buf, endMarker)
	e.buf = binary.AppendUvarint(e.buf, e.count)
	e.buf = binary.BigEndian.AppendUint32(e.buf, crc32.Checksum(e.buf, castagnoli))
	return e.buf, nil
}

// Snapshot is a verified payload. Its pairs alias the payload bytes.
type Snapshot struct {
	// State is the region (and peer state) the snapshot installs.
	State   *raftserverpb.RegionLocalState
	records []byte
	count   uint64
}

// Count is the number of key-value pairs.
func (s *Snapshot) Count() uint64 { return s.count }

// Decode verifies data (at most maxSize bytes when maxSize > 0) and returns its contents.
// It never panics and never allocates more than the input's size.
func Decode(data []byte, maxSize uint64) (*Snapshot, error) {
	if maxSize > 0 && uint64(len(data)) > maxSize {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(data), maxSize)
	}
	if len(data) < headerLen+trailerLen {
		return nil, fmt.Errorf("snap: truncated payload (%d bytes)", len(data))
	}
	if string(data[:len(magic)]) != magic {
		return nil, errors.New("snap: bad magic (not a snapshot payload)")
	}
	if v := data[len(magic)]; v != version {
		return nil, fmt.Errorf("snap: unsupported version %d (want %d)", v, version)
	}
	body := data[:len(data)-trailerLen]
	want := binary.BigEndian.Uint32(data[len(data)-trailerLen:])
	if got := crc32.Checksum(body, castagnoli); got != want {
		return nil, fmt.Errorf("snap: checksum mismatch (got %08x, want %08x): truncated or corrupt", got, want)
	}
	r := reader{b: body[headerLen:]}
	st := r.bytes("region state")
	if r.err != nil {
		return nil, r.err
	}
	state := &raftserverpb.RegionLocalState{}
	if err := proto.Unmarshal(st, state); err != nil {
		return nil, fmt.Errorf("snap: decode region state: %w", err)
	}
	if state.GetRegion() == nil {
		return nil, errors.New("snap: region state has no region")
	}
	s := &Snapshot{State: state, records: r.b}
	n, err := s.walk(nil)
	if err != nil {
		return nil, err
	}
	s.count = n
	return s, nil
}

// ForEach calls fn for every pair in payload order; key and value alias the payload.
func (s *Snapshot) ForEach(fn func(cf string, key, value []byte) error) error {
	_, err := s.walk(fn)
	return err
}

func (s *Snapshot) walk(fn func(cf string, key, value []byte) error) (uint64, error) {
	r := reader{b: s.records}
	var n uint64
	for {
		code := r.byte()
		if r.err != nil {
			return 0, r.err
		}
		if code == endMarker {
			break
		}
		if int(code) >= len(cfCodes) {
			return 0, fmt.Errorf("snap: record %d has unknown column family code %d", n, code)
		}
		key := r.bytes("key")
		value := r.bytes("value")
		if r.err != nil {
			return 0, fmt.Errorf("snap: record %d: %w", n, r.err)
		}
		if region := s.State.GetRegion(); !inRange(key, region.GetStartKey(), region.GetEndKey()) {
			return 0, fmt.Errorf("snap: record %d key %q lies outside region %d", n, key, region.GetId())
		}
		if fn != nil {
			if err := fn(cfCodes[code], key, value); err != nil {
				return 0, err
			}
		}
		n++
	}
	count := r.uvarint("record count")
	if r.err != nil {
		return 0, r.err
	}
	if count != n {
		return 0, fmt.Errorf("snap: record count %d does not match the %d records present", count, n)
	}
	if len(r.b) != 0 {
		return 0, fmt.Errorf("snap: %d trailing bytes after the record count", len(r.b))
	}
	return n, nil
}

// reader consumes a byte slice, remembering the first error.
type reader struct {
	b   []byte
	err error
}

func (r *reader) byte() byte {
	if r.err != nil {
		return 0
	}
	if len(r.b) == 0 {
		r.err = errors.New("snap: truncated payload (missing end marker)")
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *reader) uvarint(what string) uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = fmt.Errorf("snap: bad or truncated %s", what)
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) bytes(what string) []byte {
	n := r.uvarint(what + " length")
	if r.err != nil {
		return nil
	}
	if n > uint64(len(r.b)) {
		r.err = fmt.Errorf("snap: %s length %d exceeds the %d bytes left", what, n, len(r.b))
		return nil
	}
	out := r.b[:n:n]
	r.b = r.b[n:]
	return out
}
