package vm

import (
	"io"
	"unsafe"

	"github.com/gee-project/gee/monkey/object"
)

// fromObject converts a Monkey object into a VM value. Arrays and hashes
// seen before (shared elements) convert once; seen may be nil until the
// first one. Builtins of package object
// become the VM's own; other builtins (Go functions of the host) and
// values the VM has no form for are boxed.
func fromObject(o object.Object, seen map[object.Object]Value) Value {
	switch o := o.(type) {
	case nil:
		return Value{k: kNil}
	case *object.Null:
		return null
	case *object.Integer:
		return intValue(o.Value)
	case *object.Boolean:
		return boolValue(o.Value)
	case *object.String:
		return stringValue(o.Value)
	case *object.Array:
		if v, ok := seen[o]; ok {
			return v
		}
		if seen == nil {
			seen = map[object.Object]Value{}
		}
		elems := make([]Value, len(o.Elements))
		for i, e := range o.Elements {
			elems[i] = fromObject(e, seen)
		}
		v := arrayOf(elems)
		seen[o] = v
		return v
	case *object.Hash:
		if v, ok := seen[o]; ok {
			return v
		}
		if seen == nil {
			seen = map[object.Object]Value{}
		}
		h := newHash(len(o.Pairs))
		for _, k := range o.Keys() {
			p := o.Pairs[k]
			h.set(fromObject(p.Key, seen), fromObject(p.Value, seen))
		}
		v := hashValue(h)
		seen[o] = v
		return v
	case *object.Builtin:
		for i, b := range object.Builtins {
			if b.Builtin == o {
				return builtinValue(i)
			}
		}
	}
	return Value{k: kObject, p: unsafe.Pointer(&objBox{obj: o})}
}

// callHost calls a Go builtin of the host with converted arguments. A panic
// in it becomes a runtime error naming it.
func (m *VM) callHost(b *object.Builtin, args []Value) (Value, *object.Error) {
	objs := make([]object.Object, len(args))
	for i, a := range args {
		objs[i] = m.toObject(a)
	}
	res := safeCall(b, m.out, objs)
	if e, ok := res.(*object.Error); ok {
		return null, &object.Error{Message: e.Message, Pos: e.Pos, Cause: e.Cause}
	}
	if res == nil {
		return null, nil
	}
	return fromObject(res, nil), nil
}

func safeCall(b *object.Builtin, out io.Writer, args []object.Object) (res object.Object) {
	defer func() {
		if r := recover(); r != nil {
			res = object.NewError("builtin %s panicked: %v", b.Name, r)
		}
	}()
	return b.Fn(out, args...)
}

// Call runs the function bound to the global name with args, on p's
// globals g, as a run of its own under opts (limits, context, output). It
// returns the result or the runtime error.
func Call(p *Program, g *Globals, name string, args []object.Object, out io.Writer, opts Options) (object.Object, error) {
	fn, ok := g.value(name)
	if !ok {
		if b := object.GetBuiltinByName(name); b != nil {
			fn = fromObject(b, nil)
		} else {
			return nil, object.NewError("identifier not found: %s", name)
		}
	}
	opts.Globals = g
	m := NewVM(p, out, opts)
	var seen map[object.Object]Value
	vals := make([]Value, len(args))
	for i, a := range args {
		if seen == nil && (a.Type() == object.ARRAY_OBJ || a.Type() == object.HASH_OBJ) {
			seen = map[object.Object]Value{} // shared between the arguments
		}
		vals[i] = fromObject(a, seen)
	}
	var v Value
	var err error
	if fn.k == kClosure {
		v, err = m.exec(fn.closure(), vals)
	} else {
		var oe *object.Error
		if v, oe = m.callValue(fn, vals); oe != nil {
			err = oe
		}
	}
	if err != nil {
		return nil, err
	}
	return m.toObject(v), nil
}

// RunGlobals runs p with its globals in g (which must be the set p was
// compiled against), leaving every global it binds there.
func RunGlobals(p *Program, g *Globals, out io.Writer, opts Options) (object.Object, error) {
	g.adopt(p)
	opts.Globals = g
	return NewVM(p, out, opts).Run()
}
