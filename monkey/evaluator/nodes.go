package evaluator

import (
	"github.com/gee-project/gee/monkey/budget"
	"github.com/gee-project/gee/monkey/object"
	"github.com/gee-project/gee/monkey/token"
)

type programNode struct {
	stmts       []node
	endsWithLet bool
}

func (p *programNode) eval(fr *frame) object.Object {
	var res object.Object = NULL
	for _, s := range p.stmts {
		res = s.eval(fr)
		if fr.ret {
			return fr.retVal
		}
	}
	if p.endsWithLet {
		return nil
	}
	return res
}

type blockNode struct{ stmts []node }

func (b *blockNode) eval(fr *frame) object.Object {
	if len(b.stmts) == 1 {
		return b.stmts[0].eval(fr) // a return inside leaves fr.retVal as the value
	}
	var res object.Object = NULL
	for _, s := range b.stmts {
		res = s.eval(fr)
		if fr.ret {
			return fr.retVal
		}
	}
	return res
}

type returnNode struct{ value node }

func (r *returnNode) eval(fr *frame) object.Object {
	v := r.value.eval(fr)
	fr.ret, fr.retVal = true, v
	return v
}

type letGlobalNode struct {
	env   *object.Environment
	slot  int
	value node
}

func (l *letGlobalNode) eval(fr *frame) object.Object {
	l.env.SetAt(l.slot, l.value.eval(fr))
	return NULL
}

type letLocalNode struct {
	slot  int
	value node
}

func (l *letLocalNode) eval(fr *frame) object.Object {
	fr.slots[l.slot] = l.value.eval(fr)
	return NULL
}

type constNode struct{ value object.Object }

func (c *constNode) eval(*frame) object.Object { return c.value }

type localNode struct {
	slot     int
	fallback node // where the book's lookup would go while the slot is unbound
}

func (l *localNode) eval(fr *frame) object.Object {
	if v := fr.slots[l.slot]; v != nil {
		return v
	}
	return l.fallback.eval(fr)
}

type outerNode struct {
	depth, slot int
	fallback    node
}

func (o *outerNode) eval(fr *frame) object.Object {
	f := fr
	for i := 0; i < o.depth; i++ {
		f = f.parent
	}
	if v := f.slots[o.slot]; v != nil {
		return v
	}
	return o.fallback.eval(fr)
}

type globalNode struct {
	env     *object.Environment
	slot    int
	name    string
	pos     token.Position
	builtin *object.Builtin
}

func (g *globalNode) eval(*frame) object.Object {
	if v := g.env.At(g.slot); v != nil {
		return v
	}
	if g.builtin != nil {
		return g.builtin
	}
	fail(g.pos, "identifier not found: %s", g.name)
	return nil
}

type ifNode struct {
	cond      node
	cons, alt *blockNode
	// cmp is set when cond compares with an integer literal (n == 0, n < 2),
	// the usual recursion test, which is then decided without a Boolean.
	cmp *infixConstNode
}

func (n *ifNode) test(fr *frame) bool {
	if c := n.cmp; c != nil {
		left := c.left.eval(fr)
		if l, ok := left.(*object.Integer); ok {
			switch c.kind {
			case opEQ:
				return l.Value == c.k
			case opNE:
				return l.Value != c.k
			case opLT:
				return l.Value < c.k
			case opGT:
				return l.Value > c.k
			}
		}
		return object.IsTruthy(c.finish(left))
	}
	return object.IsTruthy(n.cond.eval(fr))
}

func (n *ifNode) eval(fr *frame) object.Object {
	if n.test(fr) {
		return n.cons.eval(fr)
	}
	if n.alt != nil {
		return n.alt.eval(fr)
	}
	return NULL
}

type arrayNode struct {
	elems []node
	pos   token.Position
}

func (a *arrayNode) eval(fr *frame) object.Object {
	if fr.m.meter.Limited() {
		fr.m.alloc(a.pos, int64(len(a.elems))*budget.ElementSize)
	}
	elems := make([]object.Object, len(a.elems))
	for i, e := range a.elems {
		elems[i] = e.eval(fr)
	}
	return &object.Array{Elements: elems}
}

type hashNode struct {
	keys, values []node
	pos          token.Position
}

func (h *hashNode) eval(fr *frame) object.Object {
	if fr.m.meter.Limited() {
		fr.m.alloc(h.pos, int64(len(h.keys))*budget.PairSize)
	}
	hash := object.NewHash(len(h.keys))
	for i, k := range h.keys {
		key := k.eval(fr)
		hk, ok := key.(object.Hashable)
		if !ok {
			fail(h.pos, "unusable as hash key: %s", key.Type())
		}
		hash.Set(hk, h.values[i].eval(fr))
	}
	return hash
}

type indexNode struct {
	left, index node
	pos         token.Position
}

func (n *indexNode) eval(fr *frame) object.Object {
	left, index := n.left.eval(fr), n.index.eval(fr)
	switch l := left.(type) {
	case *object.Array:
		i, ok := index.(*object.Integer)
		if !ok {
			break
		}
		if i.Value < 0 || i.Value >= int64(len(l.Elements)) {
			return NULL
		}
		return l.Elements[i.Value]
	case *object.Hash:
		key, ok := index.(object.Hashable)
		if !ok {
			fail(n.pos, "unusable as hash key: %s", index.Type())
		}
		if v, found := l.Get(key); found {
			return v
		}
		return NULL
	}
	fail(n.pos, "index operator not supported: %s", left.Type())
	return nil
}
