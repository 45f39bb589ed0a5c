package dashboard

import (
	"fmt"
	"strconv"
)

// maxShownKey is how many bytes of a key the APIs show; longer keys are cut and marked with "…"
// after the (quoted) form, which keeps every response bounded whatever the key sizes.
const maxShownKey = 128

// maxLookupKey bounds the key= parameter (bytes, after unquoting), as the scheduler bounds keys.
const maxLookupKey = 8 << 10

// formatKey shows a key for people: as is when every byte is printable ASCII other than '"' and
// '\\', else Go-quoted (%q). So a shown key starting with '"' is always a quoted one.
func formatKey(key []byte) string {
	cut := len(key) > maxShownKey
	if cut {
		key = key[:maxShownKey]
	}
	s := string(key)
	if !plain(key) {
		s = strconv.Quote(s)
	}
	if cut {
		s += "…"
	}
	return s
}

func plain(key []byte) bool {
	for _, b := range key {
		if b < 0x20 || b > 0x7e || b == '"' || b == '\\' {
			return false
		}
	}
	return true
}

// parseKey reads a key typed the way formatKey shows it: a Go-quoted string when it starts with
// '"', else the raw bytes.
func parseKey(s string) ([]byte, error) {
	if len(s) > 0 && s[0] == '"' {
		u, err := strconv.Unquote(s)
		if err != nil {
			return nil, fmt.Errorf("not a valid Go-quoted string (%v)", err)
		}
		s = u
	}
	if len(s) > maxLookupKey {
		return nil, fmt.Errorf("%d bytes, at most %d", len(s), maxLookupKey)
	}
	return []byte(s), nil
}
