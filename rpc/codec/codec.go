// Package codec holds the pluggable body encodings of GeeRPC, looked up by
// name: "binary" (the fast default), "gob" and "json".
package codec

import (
	"fmt"
	"sort"
	"sync"
)

// Codec turns one call's argument or reply value into bytes and back. Codecs
// are stateless per message, so a garbled body never poisons a connection.
type Codec interface {
	// Name is the identifier carried in the connection's option header.
	Name() string
	// Marshal appends the encoding of v to dst and returns the extended slice.
	Marshal(dst []byte, v any) ([]byte, error)
	// Unmarshal decodes data into v, which must be a non-nil pointer.
	Unmarshal(data []byte, v any) error
}

var (
	mu     sync.RWMutex
	byName = map[string]Codec{}
)

func init() {
	Register(Binary{})
	Register(Gob{})
	Register(JSON{})
}

// Register makes c available by its name, replacing any codec of that name.
func Register(c Codec) {
	mu.Lock()
	defer mu.Unlock()
	byName[c.Name()] = c
}

// Get returns the codec registered under name.
func Get(name string) (Codec, error) {
	mu.RLock()
	c, ok := byName[name]
	mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("codec: unknown codec %q (have %v)", name, Names())
	}
	return c, nil
}

// Names lists the registered codec names in sorted order.
func Names() []string {
	mu.RLock()
	defer mu.RUnlock()
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
