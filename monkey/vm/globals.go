package vm

import (
	"github.com/gee-project/gee/monkey/object"
)

// Globals holds global variables by name across runs, for a session that
// compiles each input separately (an embedding interpreter, a REPL). Slots
// keep their numbers for good, so a closure made by one run reads the right
// globals in the next: compile each input with compiler.CompileWith and
// Names as the predeclared globals. Not safe for concurrent use.
type Globals struct {
	index map[string]int
	names []string
	vals  []Value
}

// NewGlobals returns an empty set.
func NewGlobals() *Globals { return &Globals{index: map[string]int{}} }

// Names returns the global names in slot order.
func (g *Globals) Names() []string { return g.names[:len(g.names):len(g.names)] }

// slot returns name's slot, adding it if needed.
func (g *Globals) slot(name string) int {
	if i, ok := g.index[name]; ok {
		return i
	}
	g.index[name] = len(g.names)
	g.names = append(g.names, name)
	g.vals = append(g.vals, Value{k: kUndef})
	return len(g.names) - 1
}

// slots returns the values of the first n slots, adding unbound ones for
// names a newer program declared (in its order, after the known ones).
func (g *Globals) slots(n int) []Value {
	for len(g.vals) < n {
		g.vals = append(g.vals, Value{k: kUndef})
	}
	return g.vals
}

// adopt records the global names of a program compiled against g.
func (g *Globals) adopt(p *Program) {
	for _, name := range p.globals {
		g.slot(name)
	}
}

// Set binds name to the Monkey value o (converted to the VM's form).
func (g *Globals) Set(name string, o object.Object) {
	g.vals[g.slot(name)] = fromObject(o, nil)
}

// Get returns the value bound to name, converted to object form.
func (g *Globals) Get(name string) (object.Object, bool) {
	i, ok := g.index[name]
	if !ok || g.vals[i].k == kUndef {
		return nil, false
	}
	return (&VM{}).toObject(g.vals[i]), true
}

// value returns the raw value bound to name.
func (g *Globals) value(name string) (Value, bool) {
	i, ok := g.index[name]
	if !ok || g.vals[i].k == kUndef {
		return null, false
	}
	return g.vals[i], true
}

// Globals returns the program's global names in slot order (the predeclared
// ones first).
func (p *Program) Globals() []string { return p.globals }

// SetGlobal binds global slot i of the VM's program to o for the next run
// (after NewVM or Reset).
func (m *VM) SetGlobal(i int, o object.Object) {
	m.globals[i] = fromObject(o, nil)
}
