package snapchunk

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/gee-project/gee/kv/proto/raftserverpb"
	"google.golang.org/protobuf/proto"
)

const fuzzMax = 64 << 10

// encodeStream frames chunks as the fuzzer's input: uvarint length, then the chunk's protobuf.
func encodeStream(chunks []*raftserverpb.SnapshotChunk) []byte {
	var out []byte
	for _, c := range chunks {
		b, err := proto.Marshal(c)
		if err != nil {
			panic(err)
		}
		out = binary.AppendUvarint(out, uint64(len(b)))
		out = append(out, b...)
	}
	return out
}

// FuzzAssemble feeds arbitrary chunk streams (as a peer could send them) to an Assembler:
// it must never panic, never hold more than the limit, and anything it accepts must be
// exactly what the header declared.
func FuzzAssemble(f *testing.F) {
	for _, n := range []int{0, 5, 3000} {
		chunks, _ := Split(snapMsg(payload(n)), 1000)
		f.Add(encodeStream(chunks))
		if len(chunks) > 1 {
			f.Add(encodeStream(chunks[:len(chunks)-1]))
		}
	}
	f.Add([]byte{})
	f.Add([]byte{0x03, 0x12, 0x01, 'x'})
	f.Fuzz(func(t *testing.T, in []byte) {
		a := NewAssembler(fuzzMax)
		var chunks []*raftserverpb.SnapshotChunk
		for len(in) > 0 {
			n, k := binary.Uvarint(in)
			if k <= 0 || n > uint64(len(in)-k) {
				break
			}
			c := &raftserverpb.SnapshotChunk{}
			if err := proto.Unmarshal(in[k:k+int(n)], c); err != nil {
				break
			}
			in = in[k+int(n):]
			chunks = append(chunks, c)
			if err := a.Add(c); err != nil {
				return
			}
			if a.Received() > fuzzMax {
				t.Fatalf("assembler holds %d bytes, limit %d", a.Received(), fuzzMax)
			}
		}
		msg, err := a.Finish()
		if err != nil {
			return
		}
		data := msg.Message.Snapshot.Data
		if uint64(len(data)) != chunks[0].TotalSize {
			t.Fatalf("accepted %d bytes, header declared %d", len(data), chunks[0].TotalSize)
		}
		// What was accepted must survive another trip through Split and Assemble.
		again, err := Split(msg, 7)
		if err != nil {
			t.Fatal(err)
		}
		b := NewAssembler(fuzzMax)
		for _, c := range again {
			if err := b.Add(c); err != nil {
				t.Fatalf("re-split chunk refused: %v", err)
			}
		}
		got, err := b.Finish()
		if err != nil || !bytes.Equal(got.Message.Snapshot.Data, data) {
			t.Fatalf("re-split round trip: %v", err)
		}
	})
}
