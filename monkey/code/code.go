// Package code defines the instruction set of the Monkey register VM: opcodes,
// their operand widths, the byte encoding (Make, ReadOperands) and a
// disassembler.
//
// Every function runs in a window of registers; locals (parameters first) are
// the low registers and temporaries follow. Operands named A, B, C are
// register numbers, K a constant-pool index, G a global slot, T an absolute
// jump target (byte offset) and I a signed 32-bit immediate.
package code

import (
	"encoding/binary"
	"fmt"
)

// Instructions is an encoded instruction stream.
type Instructions []byte

// Opcode is the first byte of an instruction.
type Opcode byte

// The opcodes. Comments give the operands and the effect.
const (
	OpLoadK          Opcode = iota // A K: r[A] = K[K]
	OpLoadInt                      // A I: r[A] = I
	OpLoadTrue                     // A: r[A] = true
	OpLoadFalse                    // A: r[A] = false
	OpLoadNull                     // A: r[A] = null
	OpMove                         // A B: r[A] = r[B]
	OpGetGlobal                    // A G: r[A] = globals[G]
	OpSetGlobal                    // G A: globals[G] = r[A]
	OpGetFree                      // A F: r[A] = free[F] of the running closure
	OpGetBuiltin                   // A I: r[A] = builtin number I
	OpCurrentClosure               // A: r[A] = the running closure
	OpUndefined                    // K: fail with "identifier not found: K[K]"
	OpAdd                          // A B C: r[A] = r[B] + r[C]
	OpSub                          // A B C: r[A] = r[B] - r[C]
	OpMul                          // A B C: r[A] = r[B] * r[C]
	OpDiv                          // A B C: r[A] = r[B] / r[C]
	OpEq                           // A B C: r[A] = r[B] == r[C]
	OpNotEq                        // A B C: r[A] = r[B] != r[C]
	OpLt                           // A B C: r[A] = r[B] < r[C]
	OpGt                           // A B C: r[A] = r[B] > r[C]
	OpAddI                         // A B I: r[A] = r[B] + I
	OpSubI                         // A B I: r[A] = r[B] - I
	OpNeg                          // A B: r[A] = -r[B]
	OpNot                          // A B: r[A] = !r[B]
	OpJump                         // T: jump to T
	OpJumpFalse                    // A T: jump to T unless r[A] is truthy
	OpJumpNotEq                    // B C T: jump to T unless r[B] == r[C]
	OpJumpNotNotEq                 // B C T: jump to T unless r[B] != r[C]
	OpJumpNotLt                    // B C T: jump to T unless r[B] < r[C]
	OpJumpNotGt                    // B C T: jump to T unless r[B] > r[C]
	OpJumpNotEqI                   // B I T: jump to T unless r[B] == I
	OpJumpNotNotEqI                // B I T: jump to T unless r[B] != I
	OpJumpNotLtI                   // B I T: jump to T unless r[B] < I
	OpJumpNotGtI                   // B I T: jump to T unless r[B] > I
	OpArray                        // A B N: r[A] = [r[B], ..., r[B+N-1]]
	OpHash                         // A B N: r[A] = {r[B]: r[B+1], ...} with N pairs (N = 0: B is a size hint)
	OpIndex                        // A B C: r[A] = r[B][r[C]]
	OpCall                         // A F N: r[A] = r[F](r[A], ..., r[A+N-1])
	OpCallGlobal                   // A G N: r[A] = globals[G](r[A], ..., r[A+N-1])
	OpCallSelf                     // A N: r[A] = running closure(r[A], ..., r[A+N-1])
	OpClosure                      // A K B N: r[A] = closure of K[K] capturing r[B..B+N-1]
	OpReturn                       // A: return r[A]
	OpReturnK                      // K: return K[K]
	OpReturnInt                    // I: return I
	OpLoadUndef                    // A: r[A] = the "not yet bound" marker
	OpLoadNil                      // A: r[A] = no value (what a let statement yields)
	OpNewCell                      // A: r[A] = a new cell holding the marker
	OpGetCell                      // A B: r[A] = contents of cell r[B]
	OpSetCell                      // A B: cell r[A] = r[B]
	OpJumpDefined                  // A T: jump to T if r[A] is not the marker
	OpCheckKey                     // A: fail unless r[A] can be a hash key
	OpAppend                       // A B N: add r[B..B+N-1] to the array or hash (pairs) being built in r[A]
	OpQuote                        // A K B: r[A] = quote of template K[K], its unquotes valued r[B...]
	OpReturnAdd                    // B C: return r[B] + r[C]
	OpNop                          // A: nothing (a LoadUndef found unneeded; the VM drops it)
	OpDivI                         // A B I: r[A] = r[B] / I (I is not 0)
)

// Definition names an opcode and gives the width in bytes of each operand.
type Definition struct {
	Name          string
	OperandWidths []int
}

// Every operand is 4 bytes, so no program the evaluator runs is rejected for
// having too many constants, globals, registers or arguments; the VM decodes
// the bytes once at load, so the width costs nothing when running.
const (
	reg   = 4 // register number
	idx   = 4 // constant, global, free or builtin index, or a count
	imm   = 4 // signed immediate
	label = 4 // jump target
)

var definitions = map[Opcode]*Definition{
	OpLoadK:          {"LoadK", []int{reg, idx}},
	OpLoadInt:        {"LoadInt", []int{reg, imm}},
	OpLoadTrue:       {"LoadTrue", []int{reg}},
	OpLoadFalse:      {"LoadFalse", []int{reg}},
	OpLoadNull:       {"LoadNull", []int{reg}},
	OpMove:           {"Move", []int{reg, reg}},
	OpGetGlobal:      {"GetGlobal", []int{reg, idx}},
	OpSetGlobal:      {"SetGlobal", []int{idx, reg}},
	OpGetFree:        {"GetFree", []int{reg, idx}},
	OpGetBuiltin:     {"GetBuiltin", []int{reg, idx}},
	OpCurrentClosure: {"CurrentClosure", []int{reg}},
	OpUndefined:      {"Undefined", []int{idx}},
	OpAdd:            {"Add", []int{reg, reg, reg}},
	OpSub:            {"Sub", []int{reg, reg, reg}},
	OpMul:            {"Mul", []int{reg, reg, reg}},
	OpDiv:            {"Div", []int{reg, reg, reg}},
	OpEq:             {"Eq", []int{reg, reg, reg}},
	OpNotEq:          {"NotEq", []int{reg, reg, reg}},
	OpLt:             {"Lt", []int{reg, reg, reg}},
	OpGt:             {"Gt", []int{reg, reg, reg}},
	OpAddI:           {"AddI", []int{reg, reg, imm}},
	OpSubI:           {"SubI", []int{reg, reg, imm}},
	OpNeg:            {"Neg", []int{reg, reg}},
	OpNot:            {"Not", []int{reg, reg}},
	OpJump:           {"Jump", []int{label}},
	OpJumpFalse:      {"JumpFalse", []int{reg, label}},
	OpJumpNotEq:      {"JumpNotEq", []int{reg, reg, label}},
	OpJumpNotNotEq:   {"JumpNotNotEq", []int{reg, reg, label}},
	OpJumpNotLt:      {"JumpNotLt", []int{reg, reg, label}},
	OpJumpNotGt:      {"JumpNotGt", []int{reg, reg, label}},
	OpJumpNotEqI:     {"JumpNotEqI", []int{reg, imm, label}},
	OpJumpNotNotEqI:  {"JumpNotNotEqI", []int{reg, imm, label}},
	OpJumpNotLtI:     {"JumpNotLtI", []int{reg, imm, label}},
	OpJumpNotGtI:     {"JumpNotGtI", []int{reg, imm, label}},
	OpArray:          {"Array", []int{reg, reg, idx}},
	OpHash:           {"Hash", []int{reg, reg, idx}},
	OpIndex:          {"Index", []int{reg, reg, reg}},
	OpCall:           {"Call", []int{reg, reg, idx}},
	OpCallGlobal:     {"CallGlobal", []int{reg, idx, idx}},
	OpCallSelf:       {"CallSelf", []int{reg, idx}},
	OpClosure:        {"Closure", []int{reg, idx, reg, idx}},
	OpReturn:         {"Return", []int{reg}},
	OpReturnK:        {"ReturnK", []int{idx}},
	OpReturnInt:      {"ReturnInt", []int{imm}},
	OpLoadUndef:      {"LoadUndef", []int{reg}},
	OpLoadNil:        {"LoadNil", []int{reg}},
	OpNewCell:        {"NewCell", []int{reg}},
	OpGetCell:        {"GetCell", []int{reg, reg}},
	OpSetCell:        {"SetCell", []int{reg, reg}},
	OpJumpDefined:    {"JumpDefined", []int{reg, label}},
	OpCheckKey:       {"CheckKey", []int{reg}},
	OpAppend:         {"Append", []int{reg, reg, idx}},
	OpQuote:          {"Quote", []int{reg, idx, reg}},
	OpReturnAdd:      {"ReturnAdd", []int{reg, reg}},
	OpNop:            {"Nop", []int{reg}},
	OpDivI:           {"DivI", []int{reg, reg, imm}},
}

// byOpcode indexes definitions by opcode: decoders look up every
// instruction.
var byOpcode = func() (t [256]*Definition) {
	for op, def := range definitions {
		t[op] = def
	}
	return t
}()

// Lookup returns the definition of op, or an error for an unknown opcode.
func Lookup(op byte) (*Definition, error) {
	def := byOpcode[op]
	if def == nil {
		return nil, fmt.Errorf("opcode %d undefined", op)
	}
	return def, nil
}

// IsJump reports whether op's last operand is a jump target.
func IsJump(op Opcode) bool {
	return op == OpJump || op == OpJumpDefined || (op >= OpJumpFalse && op <= OpJumpNotGtI)
}

// Make encodes one instruction. Operands are big-endian; immediates are
// two's complement. An unknown opcode yields an empty slice.
func Make(op Opcode, operands ...int) []byte {
	def, ok := definitions[op]
	if !ok {
		return []byte{}
	}
	n := 1
	for _, w := range def.OperandWidths {
		n += w
	}
	ins := make([]byte, n)
	ins[0] = byte(op)
	off := 1
	for i, o := range operands {
		if i >= len(def.OperandWidths) {
			break
		}
		w := def.OperandWidths[i]
		switch w {
		case 2:
			binary.BigEndian.PutUint16(ins[off:], uint16(o))
		case 4:
			binary.BigEndian.PutUint32(ins[off:], uint32(int32(o)))
		}
		off += w
	}
	return ins
}

// ReadOperands decodes the operands that follow an opcode and returns them
// with the number of bytes read. 4-byte operands are sign-extended.
func ReadOperands(def *Definition, ins Instructions) ([]int, int) {
	operands := make([]int, len(def.OperandWidths))
	off := 0
	for i, w := range def.OperandWidths {
		switch w {
		case 2:
			operands[i] = int(binary.BigEndian.Uint16(ins[off:]))
		case 4:
			operands[i] = int(int32(binary.BigEndian.Uint32(ins[off:])))
		}
		off += w
	}
	return operands, off
}
