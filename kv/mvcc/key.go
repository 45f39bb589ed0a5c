package mvcc

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/gee-project/gee/kv/engine"
)

const (
	escByte  = 0x00 // starts an escape pair
	escZero  = 0xFF // 0x00 0xFF is a 0x00 of the user key
	escEnd   = 0x01 // 0x00 0x01 ends the user key
	tsLength = 8
)

// ErrMalformedKey is wrapped by every DecodeKey error.
var ErrMalformedKey = errors.New("mvcc: malformed encoded key")

// EncodeUserKey returns the escaped, terminated user key without a timestamp: every
// version of key sorts at or after it, and before the next user key's versions.
func EncodeUserKey(key []byte) []byte {
	out := make([]byte, 0, len(key)+2+tsLength)
	return appendEscaped(out, key)
}

func appendEscaped(out, key []byte) []byte {
	for _, b := range key {
		out = append(out, b)
		if b == escByte {
			out = append(out, escZero)
		}
	}
	return append(out, escByte, escEnd)
}

// versionsEnd returns an exclusive upper bound of every version of key: the escaped key
// with an end marker one above the real one.
func versionsEnd(key []byte) []byte {
	out := EncodeUserKey(key)
	out[len(out)-1]++
	return out
}

// EncodeKey returns the key of version ts of key in CFDefault or CFWrite.
func EncodeKey(key []byte, ts uint64) []byte {
	out := EncodeUserKey(key)
	return binary.BigEndian.AppendUint64(out, ^ts)
}

// DecodeKey splits an encoded key into its user key and timestamp. It errors on a key
// that EncodeKey cannot have produced.
func DecodeKey(enc []byte) (key []byte, ts uint64, err error) {
	key, n, err := decodeUserKey(enc)
	if err != nil {
		return nil, 0, err
	}
	rest := enc[n:]
	if len(rest) != tsLength {
		return nil, 0, fmt.Errorf("%w: %d bytes after the user key, want an %d-byte timestamp", ErrMalformedKey, len(rest), tsLength)
	}
	return key, ^binary.BigEndian.Uint64(rest), nil
}

// decodeUserKey unescapes the user key at the start of enc and returns it with the
// number of bytes it took.
func decodeUserKey(enc []byte) ([]byte, int, error) {
	key := make([]byte, 0, len(enc))
	for i := 0; i < len(enc); i++ {
		if enc[i] != escByte {
			key = append(key, enc[i])
			continue
		}
		if i+1 == len(enc) {
			return nil, 0, fmt.Errorf("%w: ends inside an escape at byte %d", ErrMalformedKey, i)
		}
		switch enc[i+1] {
		case escZero:
			key = append(key, escByte)
			i++
		case escEnd:
			return key, i + 2, nil
		default:
			return nil, 0, fmt.Errorf("%w: byte %d: 0x00 followed by %#x, want 0xff or 0x01", ErrMalformedKey, i, enc[i+1])
		}
	}
	return nil, 0, fmt.Errorf("%w: no end marker after the user key", ErrMalformedKey)
}

// UserKey returns the user key of a key of column family cf: CFLock keys are user keys,
// CFDefault and CFWrite keys are encoded.
func UserKey(cf string, key []byte) ([]byte, error) {
	if cf == engine.CFLock {
		return key, nil
	}
	k, _, err := DecodeKey(key)
	return k, err
}
