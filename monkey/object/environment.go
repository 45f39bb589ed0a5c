package object

import (
	"io"
	"os"
)

// Environment is the global scope of a program or REPL session: named slots
// that keep their values between runs, plus the writer puts prints to.
// Resolvers turn each global name into a slot index once (Slot), so running
// code reads globals by index. An Environment is not safe for concurrent use.
type Environment struct {
	names  map[string]int
	values []Object
	out    io.Writer
}

// NewEnvironment returns an empty global scope printing to os.Stdout.
func NewEnvironment() *Environment {
	return &Environment{names: map[string]int{}}
}

// Get returns the value bound to name.
func (e *Environment) Get(name string) (Object, bool) {
	i, ok := e.names[name]
	if !ok || e.values[i] == nil {
		return nil, false
	}
	return e.values[i], true
}

// Set binds name to val and returns val.
func (e *Environment) Set(name string, val Object) Object {
	e.values[e.Slot(name)] = val
	return val
}

// Slot returns the index of name's slot, creating an unbound one if needed.
func (e *Environment) Slot(name string) int {
	if i, ok := e.names[name]; ok {
		return i
	}
	i := len(e.values)
	e.names[name] = i
	e.values = append(e.values, nil)
	return i
}

// At returns the value in slot i, nil if unbound.
func (e *Environment) At(i int) Object { return e.values[i] }

// SetAt stores val in slot i.
func (e *Environment) SetAt(i int, val Object) { e.values[i] = val }

// Names returns the bound names, in the order their slots were created.
func (e *Environment) Names() []string {
	names := make([]string, len(e.values))
	for n, i := range e.names {
		names[i] = n
	}
	bound := names[:0]
	for i, n := range names {
		if e.values[i] != nil {
			bound = append(bound, n)
		}
	}
	return bound
}

// SetOutput sets where puts writes; nil means os.Stdout.
func (e *Environment) SetOutput(w io.Writer) { e.out = w }

// Output returns where puts writes.
func (e *Environment) Output() io.Writer {
	if e.out == nil {
		return os.Stdout
	}
	return e.out
}
