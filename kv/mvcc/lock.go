package mvcc

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/gee-project/gee/kv/proto/kvrpcpb"
)

// Lock is a transaction's lock on a key, stored in CFLock under the user key.
type Lock struct {
	Primary []byte    // the transaction's primary key, whose state decides it
	Ts      uint64    // the transaction's start_ts
	Ttl     uint64    // milliseconds of the TSO's physical clock the lock lives after Ts
	Kind    WriteKind // WritePut, WriteDelete or WriteLock
}

// ErrMalformedLock is wrapped by every ParseLock error.
var ErrMalformedLock = errors.New("mvcc: malformed lock")

// lockHeader is kind (1) | ts (8) | ttl (8); the primary key follows.
const lockHeader = 1 + 8 + 8

// ToBytes encodes l as stored in CFLock.
func (l *Lock) ToBytes() []byte {
	out := make([]byte, 0, lockHeader+len(l.Primary))
	out = append(out, byte(l.Kind))
	out = binary.BigEndian.AppendUint64(out, l.Ts)
	out = binary.BigEndian.AppendUint64(out, l.Ttl)
	return append(out, l.Primary...)
}

// ParseLock decodes a CFLock value.
func ParseLock(b []byte) (*Lock, error) {
	if len(b) <= lockHeader {
		return nil, fmt.Errorf("%w: %d bytes, want more than %d (kind, ts, ttl, primary)", ErrMalformedLock, len(b), lockHeader)
	}
	l := &Lock{
		Kind:    WriteKind(b[0]),
		Ts:      binary.BigEndian.Uint64(b[1:9]),
		Ttl:     binary.BigEndian.Uint64(b[9:17]),
		Primary: append([]byte(nil), b[lockHeader:]...),
	}
	if !l.Kind.valid() || l.Kind == WriteRollback {
		return nil, fmt.Errorf("%w: kind %v, want put, delete or lock", ErrMalformedLock, l.Kind)
	}
	if l.Ts == 0 {
		return nil, fmt.Errorf("%w: start ts 0", ErrMalformedLock)
	}
	return l, nil
}

// Info describes l on key for a KeyError.
func (l *Lock) Info(key []byte) *kvrpcpb.LockInfo {
	return &kvrpcpb.LockInfo{PrimaryLock: l.Primary, LockVersion: l.Ts, Key: key, LockTtl: l.Ttl, LockType: l.Kind.Op()}
}
