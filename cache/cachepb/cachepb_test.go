package cachepb

import (
	"bytes"
	"errors"
	"testing"
)

func TestResponseRoundTrip(t *testing.T) {
	in := GetResponse{Value: []byte("hello"), MinuteQPS: 12.5, Expire: 1700000000123456789}
	var out GetResponse
	if err := out.Unmarshal(in.Marshal(nil), 0); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Value, in.Value) || out.MinuteQPS != 12.5 || out.Expire != in.Expire {
		t.Fatalf("round trip = %+v", out)
	}
}

// Bytes produced by golang/groupcache's generated groupcachepb code
// (proto.Marshal of GetResponse{Value: "hello", MinuteQps: 12.5}).
func TestResponseDecodesGroupcacheBytes(t *testing.T) {
	wire := []byte{0x0a, 0x05, 'h', 'e', 'l', 'l', 'o', 0x11, 0, 0, 0, 0, 0, 0, 0x29, 0x40}
	var out GetResponse
	if err := out.Unmarshal(wire, 0); err != nil {
		t.Fatal(err)
	}
	if string(out.Value) != "hello" || out.MinuteQPS != 12.5 {
		t.Fatalf("decoded %+v", out)
	}
	if got := (&GetResponse{Value: []byte("hello"), MinuteQPS: 12.5}).Marshal(nil); !bytes.Equal(got, wire) {
		t.Fatalf("encoded % x, want % x", got, wire)
	}
}

func TestRequestRoundTripAndRequiredFields(t *testing.T) {
	in := GetRequest{Group: "g", Key: "k/1"}
	var out GetRequest
	if err := out.Unmarshal(in.Marshal(nil)); err != nil || out != in {
		t.Fatalf("round trip = %+v, %v", out, err)
	}
	if err := new(GetRequest).Unmarshal([]byte{0x0a, 0x01, 'g'}); err == nil {
		t.Fatal("missing key must be an error")
	}
}

func TestResponseRejectsBadInput(t *testing.T) {
	cases := map[string][]byte{
		"truncated length": {0x0a, 0x05, 'h'},
		"truncated double": {0x11, 0, 0},
		"wrong type":       {0x08, 0x01},
		"bad tag":          {0x80},
	}
	for name, b := range cases {
		if err := new(GetResponse).Unmarshal(b, 0); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	big := (&GetResponse{Value: make([]byte, 100)}).Marshal(nil)
	if err := new(GetResponse).Unmarshal(big, 50); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversized: err = %v", err)
	}
}

func TestUnknownFieldsAreSkipped(t *testing.T) {
	b := (&GetResponse{Value: []byte("v")}).Marshal(nil)
	b = append(b, 0x20, 0x07) // field 4 varint
	var out GetResponse
	if err := out.Unmarshal(b, 0); err != nil || string(out.Value) != "v" {
		t.Fatalf("got %+v, %v", out, err)
	}
}

func FuzzGetResponse(f *testing.F) {
	f.Add([]byte{0x0a, 0x05, 'h', 'e', 'l', 'l', 'o', 0x11, 0, 0, 0, 0, 0, 0, 0x29, 0x40})
	f.Add([]byte{0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Add([]byte{0x11, 0})
	f.Add([]byte{0x1a, 0x00, 0x25, 1, 2, 3, 4})
	f.Fuzz(func(t *testing.T, b []byte) {
		var r GetResponse
		if err := r.Unmarshal(b, 1<<20); err != nil {
			return
		}
		var again GetResponse
		if err := again.Unmarshal(r.Marshal(nil), 0); err != nil {
			t.Fatalf("re-encoding of accepted message fails: %v", err)
		}
		if !bytes.Equal(again.Value, r.Value) {
			t.Fatalf("value changed across round trip")
		}
	})
}

func FuzzGetRequest(f *testing.F) {
	f.Add((&GetRequest{Group: "g", Key: "k"}).Marshal(nil))
	f.Add([]byte{0x0a})
	f.Fuzz(func(t *testing.T, b []byte) {
		var r GetRequest
		if r.Unmarshal(b) == nil {
			var again GetRequest
			if err := again.Unmarshal(r.Marshal(nil)); err != nil || again != r {
				t.Fatalf("round trip of accepted request: %+v %v", again, err)
			}
		}
	})
}
