package codec

import (
	"errors"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"
)

type inner struct {
	X float64
	Y []string
}

type sample struct {
	A, B   int64
	S      string
	U      uint16
	F      float32
	OK     bool
	Raw    []byte
	Nums   []int
	M      map[string]int
	P      *inner
	Arr    [3]int8
	hidden int // unexported: skipped by every codec
}

type withTime struct {
	When  time.Time
	Addr  netip.Addr
	Times []time.Time
}

type opaque struct{ x int }

type node struct {
	V    int
	Next *node
}

// custom proves the Marshaler fast path is taken instead of reflection.
type custom struct{ n int }

func (c *custom) MarshalGee(b []byte) ([]byte, error) { return append(b, byte(c.n), 0xEE), nil }
func (c *custom) UnmarshalGee(b []byte) error {
	if len(b) != 2 || b[1] != 0xEE {
		return errShort
	}
	c.n = int(b[0])
	return nil
}

func full() sample {
	return sample{A: -5, B: 1 << 40, S: "héllo", U: 65535, F: 1.5, OK: true, Raw: []byte{0, 1, 2},
		Nums: []int{-1, 0, 1}, M: map[string]int{"a": 1, "b": -2}, P: &inner{X: 2.25, Y: []string{"x", ""}},
		Arr: [3]int8{-128, 0, 127}, hidden: 0}
}

func TestRoundTripAllCodecs(t *testing.T) {
	for _, name := range []string{"binary", "json"} { // gob refuses maps: TestGobRoundTripAndMapRefusal
		c, err := Get(name)
		if err != nil {
			t.Fatal(err)
		}
		in := full()
		b, err := c.Marshal([]byte("prefix"), &in)
		if err != nil {
			t.Fatalf("%s marshal: %v", name, err)
		}
		if !strings.HasPrefix(string(b), "prefix") {
			t.Fatalf("%s: Marshal must append to dst", name)
		}
		var out sample
		if err := c.Unmarshal(b[len("prefix"):], &out); err != nil {
			t.Fatalf("%s unmarshal: %v", name, err)
		}
		if !reflect.DeepEqual(in, out) {
			t.Fatalf("%s round trip:\n in %+v\nout %+v", name, in, out)
		}
	}
}

func TestBinaryRecursiveAndMarshaler(t *testing.T) {
	var c Binary
	in := &node{V: 1, Next: &node{V: 2, Next: &node{V: 3}}}
	b, err := c.Marshal(nil, in)
	if err != nil {
		t.Fatal(err)
	}
	var out node
	if err := c.Unmarshal(b, &out); err != nil || !reflect.DeepEqual(in, &out) {
		t.Fatalf("recursive: %v %+v", err, out)
	}
	b, _ = c.Marshal(nil, &custom{n: 7})
	if string(b) != "\x07\xEE" {
		t.Fatalf("Marshaler not used: %q", b)
	}
	var cu custom
	if err := c.Unmarshal(b, &cu); err != nil || cu.n != 7 {
		t.Fatalf("Unmarshaler not used: %v %d", err, cu.n)
	}
}

func TestBinaryErrors(t *testing.T) {
	var c Binary
	if _, err := c.Marshal(nil, make(chan int)); err == nil || !strings.Contains(err.Error(), "unsupported type chan int") {
		t.Fatalf("want unsupported type error, got %v", err)
	}
	var s sample
	if err := c.Unmarshal([]byte{1}, s); err == nil || !strings.Contains(err.Error(), "non-nil pointer") {
		t.Fatalf("want pointer error, got %v", err)
	}
	in := full()
	b, _ := c.Marshal(nil, &in)
	for i := 0; i < len(b); i++ {
		if err := c.Unmarshal(b[:i], &s); err == nil {
			t.Fatalf("truncated at %d of %d decoded without error", i, len(b))
		}
	}
	if err := c.Unmarshal(append(b, 9), &s); err == nil || !strings.Contains(err.Error(), "trailing") {
		t.Fatalf("want trailing bytes error, got %v", err)
	}
	var small int8
	if err := c.Unmarshal([]byte{0x80, 0x02}, &small); err == nil || !strings.Contains(err.Error(), "overflows") {
		t.Fatalf("want overflow error, got %v", err)
	}
	// A huge declared length must fail fast rather than allocate.
	if err := c.Unmarshal([]byte{0xff, 0xff, 0xff, 0xff, 0x0f}, &s.Nums); err == nil {
		t.Fatal("huge slice length accepted")
	}
}

func TestGetUnknown(t *testing.T) {
	if _, err := Get("nope"); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Fatalf("want error naming codec, got %v", err)
	}
	if got := Names(); !reflect.DeepEqual(got, []string{"binary", "gob", "json"}) {
		t.Fatalf("Names = %v", got)
	}
}

func FuzzBinaryUnmarshal(f *testing.F) {
	in := full()
	b, _ := Binary{}.Marshal(nil, &in)
	f.Add(b)
	f.Add([]byte{})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	deep := make([]byte, 5000)
	for i := range deep {
		deep[i] = 1
	}
	f.Add(deep)
	f.Fuzz(func(t *testing.T, data []byte) {
		var s sample
		if Binary.Unmarshal(Binary{}, data, &s) == nil {
			// Whatever decodes must re-encode to the same bytes when it has no map (map order varies).
			if len(s.M) <= 1 {
				again, err := Binary{}.Marshal(nil, &s)
				if err != nil || len(again) == 0 && len(data) != 0 {
					t.Fatalf("re-encode: %v", err)
				}
			}
		}
		var n node
		_ = Binary{}.Unmarshal(data, &n)
	})
}

func TestBinarySelfMarshalingTypes(t *testing.T) {
	when := time.Date(2026, 11, 23, 21, 0, 0, 123, time.FixedZone("X", 3600))
	in := withTime{When: when, Addr: netip.MustParseAddr("10.1.2.3"), Times: []time.Time{when, {}}}
	b, err := Binary{}.Marshal(nil, &in)
	if err != nil {
		t.Fatal(err)
	}
	var out withTime
	if err := (Binary{}).Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if !out.When.Equal(when) || out.Addr != in.Addr || len(out.Times) != 2 || !out.Times[0].Equal(when) {
		t.Fatalf("time/netip lost: %+v", out)
	}
	if _, err := (Binary{}).Marshal(nil, &opaque{x: 1}); err == nil || !strings.Contains(err.Error(), "none exported") {
		t.Fatalf("struct with only unexported state must be refused, got %v", err)
	}
}

// failing implements encoding.BinaryMarshaler and always fails.
type failing struct{ ok bool }

func (f failing) MarshalBinary() ([]byte, error) {
	if !f.ok {
		return nil, errors.New("not ready")
	}
	return []byte{1}, nil
}

func (f *failing) UnmarshalBinary(b []byte) error { f.ok = len(b) == 1; return nil }

type holder struct{ F failing }

func TestBinaryMarshalBinaryError(t *testing.T) {
	if _, err := (Binary{}).Marshal(nil, &holder{}); err == nil || !strings.Contains(err.Error(), "not ready") {
		t.Fatalf("want the MarshalBinary error, got %v", err)
	}
	b, err := Binary{}.Marshal(nil, &holder{F: failing{ok: true}})
	var out holder
	if err != nil || (Binary{}).Unmarshal(b, &out) != nil || !out.F.ok {
		t.Fatalf("self-marshaling round trip: %v %+v", err, out)
	}
}

// gobSample is sample without its map: gob refuses maps (see gobRatio).
type gobSample struct {
	A, B int64
	S    string
	Raw  []byte
	Nums []int
	P    *inner
	Arr  [3]int8
}

func TestGobRoundTripAndMapRefusal(t *testing.T) {
	in := gobSample{A: -5, B: 1 << 40, S: "x", Raw: []byte{1}, Nums: []int{-1, 2}, P: &inner{X: 1, Y: []string{"y"}}, Arr: [3]int8{1, 2, 3}}
	b, err := Gob{}.Marshal(nil, &in)
	if err != nil {
		t.Fatal(err)
	}
	var out gobSample
	if err := (Gob{}).Unmarshal(b, &out); err != nil || !reflect.DeepEqual(in, out) {
		t.Fatalf("gob round trip: %v\n in %+v\nout %+v", err, in, out)
	}
	s := full()
	b, _ = Gob{}.Marshal(nil, &s)
	if err := (Gob{}).Unmarshal(b, &s); !errors.Is(err, ErrBudget) || !strings.Contains(err.Error(), "map[string]int") {
		t.Fatalf("gob into a map type: want ErrBudget naming the map, got %v", err)
	}
}
