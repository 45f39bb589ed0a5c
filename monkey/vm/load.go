package vm

import (
	endian "encoding/binary"
	"fmt"
	"unsafe"

	"github.com/gee-project/gee/monkey/ast"
	"github.com/gee-project/gee/monkey/code"
	"github.com/gee-project/gee/monkey/compiler"
	"github.com/gee-project/gee/monkey/object"
	"github.com/gee-project/gee/monkey/token"
)

// instr is a decoded instruction: the byte encoding is read once, when a
// program is loaded, so the dispatch loop never parses operands. Jump
// targets become byte distances from the next instruction.
type instr struct {
	op      code.Opcode
	a, b, c int32
}

// Program is bytecode ready to run: decoded once, then shared read-only by
// any number of runs, on any goroutines.
type Program struct {
	main        *proto
	mainClosure *Closure
	consts      []Value
	globals     []string
	fallbacks   []int // builtin a global name falls back to while unbound, or -1
}

// Load decodes bytecode for running.
func Load(bc *compiler.Bytecode) (*Program, error) {
	p := &Program{globals: bc.Globals}
	protos := map[*compiler.Function]*proto{}
	p.consts = make([]Value, len(bc.Constants))
	for i, k := range bc.Constants {
		switch k := k.(type) {
		case int64:
			p.consts[i] = intValue(k)
		case string:
			p.consts[i] = frozenString(k)
		case *compiler.Function:
			pr, err := decode(k)
			if err != nil {
				return nil, err
			}
			protos[k] = pr
			// A function constant is only used by OpClosure, which reads
			// the proto through the closure it makes.
			p.consts[i] = closureValue(&Closure{fn: pr})
		case *compiler.Quote:
			p.consts[i] = Value{k: kTemplate, p: unsafe.Pointer(k)}
		case *ast.MacroLiteral:
			m := &object.Macro{Parameters: k.Parameters, Body: k.Body}
			p.consts[i] = Value{k: kObject, p: unsafe.Pointer(&objBox{obj: m})}
		default:
			return nil, fmt.Errorf("constant %d: unsupported type %T", i, k)
		}
	}
	main, err := decode(bc.Main)
	if err != nil {
		return nil, err
	}
	p.main = main
	p.mainClosure = &Closure{fn: main}
	main.consts = p.consts
	for _, pr := range protos {
		pr.consts = p.consts
	}
	for _, g := range bc.Globals {
		p.fallbacks = append(p.fallbacks, compiler.BuiltinIndex(g))
	}
	return p, nil
}

// decode turns a function's byte code into instrs.
func decode(fn *compiler.Function) (*proto, error) {
	ins := fn.Instructions
	index := make([]int32, len(ins)+1) // byte offset -> instruction number + 1
	out := make([]instr, 0, len(ins)/5+1)
	for off := 0; off < len(ins); {
		def, err := code.Lookup(ins[off])
		if err != nil {
			return nil, fmt.Errorf("%s at %d: %w", fn.Name, off, err)
		}
		in := instr{op: code.Opcode(ins[off])}
		at := off + 1
		for i, w := range def.OperandWidths {
			if at+w > len(ins) {
				return nil, fmt.Errorf("%s at %d: truncated %s", fn.Name, off, def.Name)
			}
			var o int32
			if w == 2 {
				o = int32(endian.BigEndian.Uint16(ins[at:]))
			} else {
				o = int32(endian.BigEndian.Uint32(ins[at:]))
			}
			switch i {
			case 0:
				in.a = o
			case 1:
				in.b = o
			case 2:
				in.c = o
			}
			at += w
		}
		index[off] = int32(len(out)) + 1
		if in.op != code.OpNop {
			out = append(out, in)
		}
		off = at
	}
	index[len(ins)] = int32(len(out)) + 1
	for i := range out {
		op := out[i].op
		if !code.IsJump(op) {
			continue
		}
		t := &out[i].c
		switch len(mustDef(op).OperandWidths) {
		case 1:
			t = &out[i].a
		case 2:
			t = &out[i].b
		}
		if *t < 0 || int(*t) >= len(index) || index[*t] == 0 {
			return nil, fmt.Errorf("%s: jump to %d is not an instruction", fn.Name, *t)
		}
		target := int(index[*t]) - 1
		// The loop advances pc before it runs an instruction, so a jump
		// adds the distance from the next instruction, in bytes.
		*t = int32((target - (i + 1)) * int(isize))
	}
	// A sentinel keeps the instruction pointer inside the allocation after
	// the last instruction (checkptr, and no bounds check in the loop).
	out = append(out, instr{op: sentinel})
	pos := make([]token.Position, len(out))
	for _, e := range fn.Positions {
		if e.Offset >= 0 && e.Offset < len(index) && index[e.Offset] > 0 && int(index[e.Offset]) <= len(pos) {
			pos[index[e.Offset]-1] = e.Pos
		}
	}
	return &proto{code: out, cb: unsafe.Pointer(&out[0]), pos: pos, numParams: fn.NumParams, numRegs: max(fn.NumRegs, 1), src: fn}, nil
}

// sentinel is an opcode no instruction has; running it is an error.
const sentinel code.Opcode = 255

func mustDef(op code.Opcode) *code.Definition {
	def, err := code.Lookup(byte(op))
	if err != nil {
		panic(err)
	}
	return def
}
