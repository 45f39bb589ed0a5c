package mvcc

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Write is a write record, stored in CFWrite at EncodeKey(key, commit_ts). A rollback
// record's commit_ts is its StartTS.
type Write struct {
	StartTS uint64
	Kind    WriteKind
}

// ErrMalformedWrite is wrapped by every ParseWrite error.
var ErrMalformedWrite = errors.New("mvcc: malformed write record")

const writeLength = 1 + 8 // kind | start_ts

// ToBytes encodes w as stored in CFWrite.
func (w *Write) ToBytes() []byte {
	out := make([]byte, 0, writeLength)
	out = append(out, byte(w.Kind))
	return binary.BigEndian.AppendUint64(out, w.StartTS)
}

// ParseWrite decodes a CFWrite value.
func ParseWrite(b []byte) (*Write, error) {
	if len(b) != writeLength {
		return nil, fmt.Errorf("%w: %d bytes, want %d (kind, start ts)", ErrMalformedWrite, len(b), writeLength)
	}
	w := &Write{Kind: WriteKind(b[0]), StartTS: binary.BigEndian.Uint64(b[1:])}
	if !w.Kind.valid() {
		return nil, fmt.Errorf("%w: kind %v, want put, delete, rollback or lock", ErrMalformedWrite, w.Kind)
	}
	if w.StartTS == 0 {
		return nil, fmt.Errorf("%w: start ts 0", ErrMalformedWrite)
	}
	return w, nil
}
