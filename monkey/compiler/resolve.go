package compiler

import (
	"github.com/gee-project/gee/monkey/code"
	"github.com/gee-project/gee/monkey/token"
)

type refKind int

const (
	refReg       refKind = iota // a local in a register
	refCell                     // a local in a cell held by a register
	refFree                     // a free variable of the running closure
	refFreeCell                 // a cell held by a free variable
	refSelf                     // the running closure itself
	refGlobal                   // a global slot (falls back to a builtin or fails)
	refBuiltin                  // a builtin function
	refUndefined                // no binding anywhere: fails when run
)

// ref says where a name's value lives. maybeUndef marks a binding that may not
// have been made yet when the read runs; the next candidate is then tried.
type ref struct {
	kind       refKind
	idx        int
	maybeUndef bool
}

// candidates lists the reads a use of name in fs performs, as the
// evaluator resolves it: a local declared so far in this function, else a
// variable of an enclosing function (any of its lets: nested functions run
// later), else a global (or builtin). A binding that may not be made yet
// when the read runs (maybeUndef) falls back to the next candidate.
func (c *Compiler) candidates(fs *fnState, name string) []ref {
	var out []ref
	for s := fs; ; s = s.outer {
		if s.sc == nil {
			if g, ok := c.globals[name]; ok {
				return append(out, ref{kind: refGlobal, idx: g, maybeUndef: !fs.globals[name]})
			}
			if b := BuiltinIndex(name); b >= 0 {
				return append(out, ref{kind: refBuiltin, idx: b})
			}
			return append(out, ref{kind: refUndefined, idx: c.strConst(name)})
		}
		if l := s.sc.locals[name]; l != nil && (s != fs || fs.declared[name]) {
			r := c.localRef(fs, s, name, l)
			out = append(out, r)
			if !r.maybeUndef {
				return out
			}
			continue
		}
		if s.self == name {
			// The literal's own name: the enclosing function bound it to
			// this very closure.
			if s == fs {
				return append(out, ref{kind: refSelf})
			}
			return append(out, ref{kind: refFree, idx: c.capture(fs, s, "<self>"+name, ref{kind: refSelf})})
		}
	}
}

// localRef reads variable l of function s from function fs.
func (c *Compiler) localRef(fs, s *fnState, name string, l *local) ref {
	if s == fs {
		k := refReg
		if l.cell {
			k = refCell
		}
		if !fs.bound[name] {
			fs.checked[name] = true
		}
		return ref{kind: k, idx: l.reg, maybeUndef: !fs.bound[name]}
	}
	i := c.capture(fs, s, name, ref{kind: refReg, idx: l.reg})
	if !l.cell {
		return ref{kind: refFree, idx: i}
	}
	return ref{kind: refFreeCell, idx: i, maybeUndef: true}
}

// capture makes the variable that function owner finds through src a free
// variable of fs (and of every function in between) and returns its index.
func (c *Compiler) capture(fs, owner *fnState, name string, src ref) int {
	for i, fv := range fs.free {
		if fv.name == name && fv.level == owner {
			return i
		}
	}
	if fs.outer != owner {
		src = ref{kind: refFree, idx: c.capture(fs.outer, owner, name, src)}
	}
	fs.free = append(fs.free, freeVar{name: name, level: owner, src: src})
	return len(fs.free) - 1
}

// loadName emits the read of name into register dst.
func (c *Compiler) loadName(name string, dst int, pos token.Position) {
	var ends []int
	cands := c.candidates(c.fs, name)
	for i, r := range cands {
		c.loadRef(r, dst, pos)
		if r.maybeUndef && i < len(cands)-1 {
			ends = append(ends, c.emitJump(token.Position{}, code.OpJumpDefined, dst))
		}
	}
	for _, e := range ends {
		c.patch(e)
	}
}

func (c *Compiler) loadRef(r ref, dst int, pos token.Position) {
	switch r.kind {
	case refReg:
		if r.idx != dst {
			c.emit(token.Position{}, code.OpMove, dst, r.idx)
		}
	case refCell:
		c.emit(token.Position{}, code.OpGetCell, dst, r.idx)
	case refFree:
		c.emit(token.Position{}, code.OpGetFree, dst, r.idx)
	case refFreeCell:
		c.emit(token.Position{}, code.OpGetFree, dst, r.idx)
		c.emit(token.Position{}, code.OpGetCell, dst, dst)
	case refSelf:
		c.emit(token.Position{}, code.OpCurrentClosure, dst)
	case refGlobal:
		c.emit(pos, code.OpGetGlobal, dst, r.idx)
	case refBuiltin:
		c.emit(token.Position{}, code.OpGetBuiltin, dst, r.idx)
	case refUndefined:
		c.emit(pos, code.OpUndefined, r.idx)
	}
}

// directReg returns the register of name if reading it needs no
// instruction: a local bound on every path, not in a cell.
func (c *Compiler) directReg(name string) (int, bool) {
	fs := c.fs
	if fs.sc == nil {
		return 0, false
	}
	l := fs.sc.locals[name]
	if l == nil || l.cell || !fs.declared[name] || !fs.bound[name] {
		return 0, false
	}
	return l.reg, true
}
