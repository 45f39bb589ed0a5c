package cache

import (
	"errors"
	"fmt"
	"strconv"
)

// MaxKeyBytes is the longest key a Group accepts, the same on every node
// and every path (Get, Set, Remove, requests from peers). Longer keys fail
// with ErrKeyTooLong before any peer or getter is asked, so a key cannot
// behave differently depending on which node or URL limit it meets first.
const MaxKeyBytes = 4096

// ErrKeyTooLong is returned for keys longer than MaxKeyBytes.
var ErrKeyTooLong = errors.New("key longer than " + strconv.Itoa(MaxKeyBytes) + " bytes")

// ErrTooLarge matches a TooLargeError: the entry cannot be stored.
var ErrTooLarge = errors.New("entry larger than the group can store")

// ErrMaybeApplied marks a write whose owner did not answer in time: it may
// or may not have been applied. An owner refuses a write that reaches it
// after the sender's deadline, so this is only the narrow case of a write
// applied just before the deadline whose answer was lost. Set is
// idempotent: repeat it (or Remove the key) to be sure.
var ErrMaybeApplied = errors.New("the owner did not answer in time; the write may or may not have been applied")

// TooLargeError is returned by Set when a key and value together exceed
// the bytes one entry may take (Group.MaxEntryBytes, at the owner).
type TooLargeError struct {
	Key         string
	Size, Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("key %s: %d bytes of key and value exceed the entry limit of %d bytes", QuoteKey(e.Key), e.Size, e.Limit)
}

// Is makes errors.Is(err, ErrTooLarge) hold.
func (e *TooLargeError) Is(target error) bool { return target == ErrTooLarge }

// QuoteKey quotes a key for an error message, cut to its first 64 bytes so
// that a hostile key cannot make messages and logs huge.
func QuoteKey(key string) string {
	const show = 64
	if len(key) <= show {
		return strconv.Quote(key)
	}
	return strconv.Quote(key[:show]) + "…(" + strconv.Itoa(len(key)) + " bytes)"
}

func (g *Group) checkKey(key string) error {
	if len(key) > MaxKeyBytes {
		return fmt.Errorf("cache: group %q: key %s: %w", g.name, QuoteKey(key), ErrKeyTooLong)
	}
	return nil
}

// MaxEntryBytes is the most bytes of key and value one entry may take:
// the main cache's capacity. Set refuses larger entries with a
// TooLargeError; values loaded by the getter beyond it are returned but
// not cached.
func (g *Group) MaxEntryBytes() int64 { return g.mainBytes }

func (g *Group) checkSize(key string, value []byte) error {
	if n := int64(len(key) + len(value)); n > g.mainBytes {
		return &TooLargeError{Key: key, Size: n, Limit: g.mainBytes}
	}
	return nil
}
