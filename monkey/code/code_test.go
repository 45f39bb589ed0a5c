package code

import (
	"strings"
	"testing"
)

func TestMakeAndReadRoundTrip(t *testing.T) {
	tests := []struct {
		op       Opcode
		operands []int
		want     []byte
	}{
		{OpLoadK, []int{3, 65534}, []byte{byte(OpLoadK), 0, 0, 0, 3, 0, 0, 255, 254}},
		// operands past the old 16-bit limit
		{OpLoadK, []int{70000, 1 << 24}, []byte{byte(OpLoadK), 0, 1, 0x11, 0x70, 1, 0, 0, 0}},
		{OpLoadInt, []int{1, -2}, []byte{byte(OpLoadInt), 0, 0, 0, 1, 255, 255, 255, 254}},
		{OpAdd, []int{0, 1, 2}, []byte{byte(OpAdd), 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2}},
		{OpJump, []int{70000}, []byte{byte(OpJump), 0, 1, 0x11, 0x70}},
		{OpLoadTrue, []int{7}, []byte{byte(OpLoadTrue), 0, 0, 0, 7}},
		{OpClosure, []int{1, 2, 3, 4}, []byte{byte(OpClosure), 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4}},
	}
	for _, tt := range tests {
		got := Make(tt.op, tt.operands...)
		if string(got) != string(tt.want) {
			t.Errorf("Make(%d, %v) = %v, want %v", tt.op, tt.operands, got, tt.want)
			continue
		}
		def, err := Lookup(got[0])
		if err != nil {
			t.Fatal(err)
		}
		operands, n := ReadOperands(def, got[1:])
		if n != len(got)-1 {
			t.Errorf("%s read %d bytes, want %d", def.Name, n, len(got)-1)
		}
		for i, o := range operands {
			if o != tt.operands[i] {
				t.Errorf("%s operand %d = %d, want %d", def.Name, i, o, tt.operands[i])
			}
		}
	}
}

func TestEveryOpcodeHasDefinitionAndRoles(t *testing.T) {
	for op := OpLoadK; op <= OpDivI; op++ {
		def, err := Lookup(byte(op))
		if err != nil {
			t.Fatalf("opcode %d: %v", op, err)
		}
		if len(roles[op]) != len(def.OperandWidths) {
			t.Errorf("%s: roles %q for %d operands", def.Name, roles[op], len(def.OperandWidths))
		}
	}
	if _, err := Lookup(255); err == nil {
		t.Error("Lookup(255) succeeded")
	}
}

func TestDisassemble(t *testing.T) {
	var ins Instructions
	for _, i := range [][]byte{
		Make(OpJumpNotEqI, 0, 0, 18),
		Make(OpReturnInt, 0),
		Make(OpSubI, 1, 0, 1),
		Make(OpCallGlobal, 1, 0, 1),
		Make(OpAdd, 1, 1, 2),
		Make(OpReturn, 1),
	} {
		ins = append(ins, i...)
	}
	want := `0000 JumpNotEqI r0 0 @0018
0013 ReturnInt 0
0018 SubI r1 r0 1
0031 CallGlobal r1 g0 1
0044 Add r1 r1 r2
0057 Return r1
`
	if got := ins.String(); got != want {
		t.Errorf("disassembly:\n%s\nwant:\n%s", got, want)
	}
}

func TestDisassembleReportsBadBytes(t *testing.T) {
	got := Instructions{255, byte(OpAdd), 0}.String()
	if !strings.Contains(got, "0000 ERROR: opcode 255 undefined") || !strings.Contains(got, "0001 ERROR: Add truncated") {
		t.Errorf("got %q", got)
	}
}
