package codec

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"runtime"
	"strings"
	"testing"
)

// wide is 256 bytes in memory but encodes in as little as 1 byte (gob,
// json) or 32 bytes (binary): the shape that made declared counts expensive.
type wide struct {
	F0, F1, F2, F3, F4, F5, F6, F7, F8, F9, F10, F11, F12, F13, F14, F15 int64
	F16, F17, F18, F19, F20, F21, F22, F23, F24, F25, F26, F27, F28, F29 int64
	F30, F31                                                             int64
}

type nested struct {
	Rows  [][]int64
	Wides []wide
	P     *wide
	Names []string
}

type mapped struct {
	M map[int8]*wide
	S map[string][]string
}

// allocated reports the bytes f allocates (GC-independent cumulative count).
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// allocLimit is what the fuzz target and tests accept for n input bytes: the
// documented budget plus room for bookkeeping the budget does not model.
func allocLimit(n int) uint64 { return 2*uint64(Budget(n)) + 64<<10 }

func hostileBodies(t testing.TB) map[string][]byte {
	const n = 20000
	var bin []byte
	bin = binary.AppendUvarint(bin, n) // n wide structs declared, n bytes present
	bin = append(bin, make([]byte, n)...)
	var gb bytes.Buffer
	if err := gob.NewEncoder(&gb).Encode(make([]wide, n)); err != nil {
		t.Fatal(err)
	}
	js := "[" + strings.Repeat("{},", n-1) + "{}]"
	return map[string][]byte{"binary": bin, "gob": gb.Bytes(), "json": []byte(js)}
}

func TestDecodeAllocationBoundedByInput(t *testing.T) {
	for name, body := range hostileBodies(t) {
		c, _ := Get(name)
		var err error
		got := allocated(func() {
			var out []wide
			err = c.Unmarshal(body, &out)
		})
		if got > allocLimit(len(body)) {
			t.Errorf("%s: %d-byte body allocated %d bytes (%.0f×), limit %d", name, len(body), got,
				float64(got)/float64(len(body)), allocLimit(len(body)))
		}
		if err == nil {
			continue // decoding within budget is fine
		}
		if !errors.Is(err, ErrBudget) && !strings.Contains(err.Error(), "exceeds remaining input") {
			t.Errorf("%s: refused with %v, want ErrBudget or a length error", name, err)
		}
	}
}

func TestBudgetLeavesOrdinaryMessagesAlone(t *testing.T) {
	in := nested{Rows: [][]int64{{1, 2}, {}, {3}}, Wides: []wide{{F0: 1}, {F31: 2}},
		P: &wide{F1: 1}, Names: []string{"a", "bb", ""}}
	big := nested{Rows: make([][]int64, 5000), Names: make([]string, 5000)}
	for i := range big.Rows {
		big.Rows[i] = []int64{int64(i), -int64(i)}
		big.Names[i] = "name"
	}
	for _, name := range []string{"binary", "json"} { // gob: TestGobBudgetIsStatic
		c, _ := Get(name)
		for _, v := range []nested{in, big} {
			b, err := c.Marshal(nil, &v)
			if err != nil {
				t.Fatal(err)
			}
			var out nested
			if err := c.Unmarshal(b, &out); err != nil {
				t.Fatalf("%s: ordinary %d-byte message refused: %v", name, len(b), err)
			}
			if len(out.Rows) != len(v.Rows) || len(out.Names) != len(v.Names) {
				t.Fatalf("%s: round trip lost data", name)
			}
		}
	}
}

// FuzzDecodeAllocation fails when any codec allocates more than the
// budget allows for the input's size, whatever the input declares.
func FuzzDecodeAllocation(f *testing.F) {
	for _, b := range hostileBodies(f) {
		f.Add(b[:min(len(b), 4096)])
	}
	for _, name := range Names() {
		c, _ := Get(name)
		v := nested{Rows: [][]int64{{1}, {}}, Wides: make([]wide, 3), Names: []string{"x"}}
		b, _ := c.Marshal(nil, &v)
		f.Add(b)
		m := mapped{M: map[int8]*wide{1: {F3: 3}}, S: map[string][]string{"k": {"v"}}}
		b, _ = c.Marshal(nil, &m)
		f.Add(b)
	}
	f.Add([]byte{0xff, 0xff, 0x03, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, name := range Names() {
			c, _ := Get(name)
			got := allocated(func() {
				var a nested
				_ = c.Unmarshal(data, &a)
				var b []wide
				_ = c.Unmarshal(data, &b)
				var m mapped
				_ = c.Unmarshal(data, &m)
			})
			if got > 3*allocLimit(len(data)) {
				t.Fatalf("%s: %d-byte input allocated %d bytes (limit %d)", name, len(data), got, 3*allocLimit(len(data)))
			}
		}
	})
}

// gob's budget is a per-type bound (gobRatio): slices of small elements
// decode at any size, slices of wide structs only in small bodies.
func TestGobBudgetIsStatic(t *testing.T) {
	ints := make([]int64, 100000)
	b, _ := Gob{}.Marshal(nil, &ints)
	if err := (Gob{}).Unmarshal(b, &ints); err != nil {
		t.Fatalf("[]int64 of %d bytes: %v", len(b), err)
	}
	names := []string{"a", "b", ""}
	b, _ = Gob{}.Marshal(nil, &names)
	if err := (Gob{}).Unmarshal(b, &names); err != nil {
		t.Fatalf("[]string: %v", err)
	}
	wides := make([]wide, 2000)
	b, _ = Gob{}.Marshal(nil, &wides)
	if err := (Gob{}).Unmarshal(b, &wides); !errors.Is(err, ErrBudget) || !strings.Contains(err.Error(), "[]codec.wide") {
		t.Fatalf("[]wide: want ErrBudget naming the type, got %v", err)
	}
}
