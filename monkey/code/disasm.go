package code

import (
	"fmt"
	"strings"
)

// String disassembles the stream, one instruction a line, each prefixed by
// its byte offset: "0007 AddI r1 r0 -1".
func (ins Instructions) String() string {
	var out strings.Builder
	for i := 0; i < len(ins); {
		def, err := Lookup(ins[i])
		if err != nil {
			fmt.Fprintf(&out, "%04d ERROR: %s\n", i, err)
			i++
			continue
		}
		if i+1+width(def) > len(ins) {
			fmt.Fprintf(&out, "%04d ERROR: %s truncated\n", i, def.Name)
			break
		}
		operands, read := ReadOperands(def, ins[i+1:])
		fmt.Fprintf(&out, "%04d %s\n", i, format(Opcode(ins[i]), def, operands))
		i += 1 + read
	}
	return out.String()
}

func width(def *Definition) int {
	n := 0
	for _, w := range def.OperandWidths {
		n += w
	}
	return n
}

// format renders operands by role: registers as rN, constants as kN, globals
// as gN, jump targets as @N and the rest as plain numbers.
func format(op Opcode, def *Definition, operands []int) string {
	if len(operands) != len(def.OperandWidths) {
		return fmt.Sprintf("ERROR: operand len %d does not match defined %d", len(operands), len(def.OperandWidths))
	}
	parts := []string{def.Name}
	for i, o := range operands {
		parts = append(parts, operandText(op, i, o))
	}
	return strings.Join(parts, " ")
}

func operandText(op Opcode, i, o int) string {
	if IsJump(op) && i == len(definitions[op].OperandWidths)-1 {
		return fmt.Sprintf("@%04d", o)
	}
	switch roleOf(op, i) {
	case 'r':
		return fmt.Sprintf("r%d", o)
	case 'k':
		return fmt.Sprintf("k%d", o)
	case 'g':
		return fmt.Sprintf("g%d", o)
	}
	return fmt.Sprint(o)
}

// roles spells each opcode's operand kinds: r register, k constant,
// g global, n number or immediate.
var roles = map[Opcode]string{
	OpLoadK: "rk", OpLoadInt: "rn", OpLoadTrue: "r", OpLoadFalse: "r", OpLoadNull: "r",
	OpMove: "rr", OpGetGlobal: "rg", OpSetGlobal: "gr", OpGetFree: "rn", OpGetBuiltin: "rn",
	OpCurrentClosure: "r", OpUndefined: "k",
	OpAdd: "rrr", OpSub: "rrr", OpMul: "rrr", OpDiv: "rrr", OpEq: "rrr", OpNotEq: "rrr",
	OpLt: "rrr", OpGt: "rrr", OpAddI: "rrn", OpSubI: "rrn", OpNeg: "rr", OpNot: "rr",
	OpJump: "n", OpJumpFalse: "rn",
	OpJumpNotEq: "rrn", OpJumpNotNotEq: "rrn", OpJumpNotLt: "rrn", OpJumpNotGt: "rrn",
	OpJumpNotEqI: "rnn", OpJumpNotNotEqI: "rnn", OpJumpNotLtI: "rnn", OpJumpNotGtI: "rnn",
	OpArray: "rrn", OpHash: "rrn", OpIndex: "rrr", OpCall: "rrn", OpCallGlobal: "rgn",
	OpCallSelf: "rn", OpClosure: "rkrn", OpReturn: "r", OpReturnK: "k", OpReturnInt: "n",
	OpLoadUndef: "r", OpLoadNil: "r", OpNewCell: "r", OpGetCell: "rr", OpSetCell: "rr", OpJumpDefined: "rn", OpCheckKey: "r", OpAppend: "rrn", OpQuote: "rkr", OpReturnAdd: "rr", OpNop: "n", OpDivI: "rrn",
}

func roleOf(op Opcode, i int) byte {
	r := roles[op]
	if i < len(r) {
		return r[i]
	}
	return 'n'
}
