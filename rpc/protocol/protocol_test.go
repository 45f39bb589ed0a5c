package protocol

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

func TestOptionRoundTrip(t *testing.T) {
	b, err := AppendOption(nil, Option{Codec: "binary", Compress: CompressGzip})
	if err != nil {
		t.Fatal(err)
	}
	if want := "GEER\x01\x01\x06binary"; string(b) != want {
		t.Fatalf("option bytes %q, want %q", b, want)
	}
	o, err := ReadOption(bytes.NewReader(b))
	if err != nil || o.Codec != "binary" || o.Compress != CompressGzip {
		t.Fatalf("ReadOption = %+v, %v", o, err)
	}
	for _, bad := range []string{"XEER\x01\x00\x01j", "GEER\x02\x00\x01j", "GEER\x01\x07\x01j", "GEER\x01\x00\x00", "GEER\x01\x00\x05js"} {
		if _, err := ReadOption(strings.NewReader(bad)); err == nil {
			t.Errorf("ReadOption(%q) accepted", bad)
		}
	}
	if _, err := AppendOption(nil, Option{}); err == nil {
		t.Error("empty codec name accepted")
	}
}

func TestFrameRoundTrip(t *testing.T) {
	h := Header{Kind: KindResponse, Flags: FlagGzip, Seq: 1 << 40, Method: "Arith.Add", Error: "boom",
		Deadline: -12345, Meta: map[string]string{"trace": "abc", "": "empty-key"}}
	b, start := StartFrame([]byte("junk"), &h)
	b = append(b, "BODY"...)
	b = FinishFrame(b, start)
	b = append(b, b[start:]...) // a second frame right after
	r := bufio.NewReader(bytes.NewReader(b[start:]))
	var buf []byte
	for i := 0; i < 2; i++ {
		var err error
		buf, err = ReadFrame(r, buf, DefaultMaxFrame)
		if err != nil {
			t.Fatal(err)
		}
		f, err := ParseFrame(buf)
		if err != nil {
			t.Fatal(err)
		}
		if f.Kind != h.Kind || f.Flags != h.Flags || f.Seq != h.Seq || string(f.Method) != h.Method ||
			string(f.Error) != h.Error || f.Deadline != h.Deadline || string(f.Body) != "BODY" {
			t.Fatalf("frame %+v", f)
		}
		if m := ParseMeta(&f); !reflect.DeepEqual(m, h.Meta) {
			t.Fatalf("meta %v", m)
		}
	}
	if _, err := ReadFrame(r, buf, DefaultMaxFrame); err != io.EOF {
		t.Fatalf("clean end: %v", err)
	}
}

func TestFrameLimits(t *testing.T) {
	big := []byte{0x7f, 0xff, 0xff, 0xff}
	if _, err := ReadFrame(bufio.NewReader(bytes.NewReader(big)), nil, 1024); !errors.Is(err, ErrFrameTooLarge) {
		t.Fatalf("oversized frame: %v", err)
	}
	trunc := []byte{0, 0, 0, 10, 1, 2}
	if _, err := ReadFrame(bufio.NewReader(bytes.NewReader(trunc)), nil, 1024); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("truncated frame: %v", err)
	}
	for _, bad := range [][]byte{{}, {9, 0, 0, 0, 0, 0, 0}, {0, 0, 1, 5, 'a'}, {0, 0, 1, 0, 0, 0, 3, 1, 'k'}} {
		if _, err := ParseFrame(bad); err == nil {
			t.Errorf("ParseFrame(%v) accepted", bad)
		}
	}
}

func FuzzParseFrame(f *testing.F) {
	h := Header{Seq: 7, Method: "S.M", Meta: map[string]string{"k": "v"}}
	b, start := StartFrame(nil, &h)
	b = FinishFrame(append(b, 1, 2, 3), start)
	f.Add(b)
	f.Add([]byte{0, 0, 0, 2, 0, 0})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bufio.NewReader(bytes.NewReader(data))
		for {
			p, err := ReadFrame(r, nil, 1<<16)
			if err != nil {
				return
			}
			fr, err := ParseFrame(p)
			if err != nil {
				continue
			}
			m := ParseMeta(&fr)
			if len(m) > fr.MetaN {
				t.Fatalf("meta has %d entries, header said %d", len(m), fr.MetaN)
			}
		}
	})
}

// TestGoldenFrame pins the byte layout documented in docs/rpc.md.
func TestGoldenFrame(t *testing.T) {
	h := Header{Kind: KindRequest, Seq: 1, Method: "Arith.Add"}
	b, start := StartFrame(nil, &h)
	b = FinishFrame(append(b, 0x02, 0x04), start) // binary {A:1, B:2}
	want := "\x00\x00\x00\x12\x00\x00\x01\x09Arith.Add\x00\x00\x00\x02\x04"
	if string(b) != want {
		t.Fatalf("frame bytes % x\nwant        % x", b, want)
	}
}

func TestReadFrameGrowsAsBytesArrive(t *testing.T) {
	// A peer declaring a 4 MiB frame and sending 27 bytes must not cost 4 MiB.
	in := append([]byte{0, 0x40, 0, 0}, make([]byte, 27)...)
	buf, err := ReadFrame(bufio.NewReader(bytes.NewReader(in)), nil, DefaultMaxFrame)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("want truncated frame, got %v", err)
	}
	if cap(buf) > growStep {
		t.Fatalf("27 bytes received, %d allocated", cap(buf))
	}
	// Large frames still arrive whole, growing past the first step.
	payload := bytes.Repeat([]byte("0123456789abcdef"), 200000) // 3.2 MB
	in = append([]byte{0, 0, 0, 0}, payload...)
	in[0], in[1], in[2], in[3] = byte(len(payload)>>24), byte(len(payload)>>16), byte(len(payload)>>8), byte(len(payload))
	buf, err = ReadFrame(bufio.NewReader(iotestHalf{bytes.NewReader(in)}), make([]byte, 0, 100), DefaultMaxFrame)
	if err != nil || !bytes.Equal(buf, payload) {
		t.Fatalf("large frame: %v, %d bytes", err, len(buf))
	}
}

// iotestHalf returns at most 1000 bytes per Read, like a slow network.
type iotestHalf struct{ r io.Reader }

func (h iotestHalf) Read(p []byte) (int, error) { return h.r.Read(p[:min(len(p), 1000)]) }
