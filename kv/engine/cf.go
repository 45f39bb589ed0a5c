package engine

import "fmt"

// Column family names.
const (
	CFDefault = "default"
	CFLock    = "lock"
	CFWrite   = "write"
)

// CFs lists every column family, in key order of their prefixes.
var CFs = []string{CFDefault, CFLock, CFWrite}

// LocalPrefix starts every local (non-data) key; it sorts before every data key.
const LocalPrefix byte = 0x01

// cfPrefix returns the key prefix byte of a column family; "" means CFDefault.
func cfPrefix(cf string) (byte, error) {
	switch cf {
	case CFDefault, "":
		return 'd', nil
	case CFLock:
		return 'l', nil
	case CFWrite:
		return 'w', nil
	}
	return 0, fmt.Errorf("engine: unknown column family %q (want %q, %q or %q)", cf, CFDefault, CFLock, CFWrite)
}

// ValidCF reports whether cf names a column family ("" is CFDefault).
func ValidCF(cf string) bool {
	_, err := cfPrefix(cf)
	return err == nil
}

// DataKey returns the engine key of a user key in cf. It panics on an unknown cf;
// callers validate cf at their boundary with ValidCF.
func DataKey(cf string, key []byte) []byte {
	p, err := cfPrefix(cf)
	if err != nil {
		panic(err)
	}
	out := make([]byte, 1+len(key))
	out[0] = p
	copy(out[1:], key)
	return out
}

// DataRange returns the engine key bounds [lo, hi) of user keys in [start, end) of cf;
// an empty end means the end of the column family.
func DataRange(cf string, start, end []byte) (lo, hi []byte) {
	lo = DataKey(cf, start)
	if len(end) == 0 {
		hi = []byte{lo[0] + 1}
	} else {
		hi = DataKey(cf, end)
	}
	return lo, hi
}
