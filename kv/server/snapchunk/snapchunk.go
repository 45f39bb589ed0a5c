// Package snapchunk is the wire format of TinyKV's Snapshot stream: how a raft message
// carrying a whole snapshot is cut into SnapshotChunks by the sender (kv/transport) and
// put back together by the receiver (kv/server).
//
// The first chunk carries the RaftMessage with its snapshot data removed, plus the total
// data length and its CRC-32C; every chunk, the first included, carries a piece of the
// data in order. The receiver treats chunks as untrusted: memory grows only with bytes
// actually received, never with the declared length, and a stream that ends short, runs
// long or fails the checksum delivers nothing.
package snapchunk

import (
	"errors"
	"fmt"
	"hash/crc32"

	"github.com/gee-project/gee/kv/proto/raftserverpb"
	"github.com/gee-project/gee/kv/raft/raftpb"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// DefaultChunkSize is the data carried per chunk when the caller does not choose.
const DefaultChunkSize = 1 << 20

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// IsSnapshot reports whether msg carries a snapshot and so travels on the Snapshot stream.
func IsSnapshot(msg *raftserverpb.RaftMessage) bool {
	return msg.GetMessage().GetSnapshot() != nil
}

// Split cuts a snapshot-carrying msg into chunks of at most chunkSize data bytes
// (DefaultChunkSize if chunkSize <= 0). The chunks share msg's data (no copy) and msg
// itself is not modified.
func Split(msg *raftserverpb.RaftMessage, chunkSize int) ([]*raftserverpb.SnapshotChunk, error) {
	if !IsSnapshot(msg) {
		return nil, errors.New("snapchunk: message carries no snapshot")
	}
	if chunkSize <= 0 {
		chunkSize = DefaultChunkSize
	}
	data := msg.Message.Snapshot.Data
	first := &raftserverpb.SnapshotChunk{
		Message:   withoutData(msg),
		TotalSize: uint64(len(data)),
		Crc32C:    crc32.Checksum(data, castagnoli),
	}
	chunks := make([]*raftserverpb.SnapshotChunk, 0, 1+len(data)/chunkSize)
	chunks = append(chunks, first)
	c := first
	for len(data) > 0 {
		n := min(chunkSize, len(data))
		if c == nil {
			c = &raftserverpb.SnapshotChunk{}
			chunks = append(chunks, c)
		}
		c.Data = data[:n:n]
		data = data[n:]
		c = nil
	}
	return chunks, nil
}

// withoutData returns a copy of msg whose snapshot has metadata but no data. Fields are
// copied shallowly (shared sub-messages are only read), so any field added to the
// protos later travels too.
func withoutData(msg *raftserverpb.RaftMessage) *raftserverpb.RaftMessage {
	out := &raftserverpb.RaftMessage{}
	copyFields(msg.ProtoReflect(), out.ProtoReflect(), "message")
	m := &raftpb.Message{}
	copyFields(msg.Message.ProtoReflect(), m.ProtoReflect(), "snapshot")
	snap := &raftpb.Snapshot{}
	copyFields(msg.Message.Snapshot.ProtoReflect(), snap.ProtoReflect(), "data")
	m.Snapshot = snap
	out.Message = m
	return out
}

func copyFields(src, dst protoreflect.Message, skip protoreflect.Name) {
	src.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		if fd.Name() != skip {
			dst.Set(fd, v)
		}
		return true
	})
}

// Assembler rebuilds one snapshot message from its chunks. Use one per stream.
type Assembler struct {
	max   uint64
	hdr   *raftserverpb.RaftMessage
	total uint64
	crc   uint32
	buf   []byte
	n     int // chunks seen
}

// NewAssembler returns an Assembler that refuses snapshots whose data exceeds maxSize bytes.
func NewAssembler(maxSize uint64) *Assembler { return &Assembler{max: maxSize} }

// Add takes the next chunk. An error means the stream is invalid and must be dropped.
func (a *Assembler) Add(c *raftserverpb.SnapshotChunk) error {
	a.n++
	if a.n == 1 {
		return a.addFirst(c)
	}
	if c.GetMessage() != nil || c.GetTotalSize() != 0 || c.GetCrc32C() != 0 {
		return fmt.Errorf("snapchunk: chunk %d repeats the header (message, total_size or crc32c set)", a.n)
	}
	return a.addData(c.GetData())
}

func (a *Assembler) addFirst(c *raftserverpb.SnapshotChunk) error {
	msg := c.GetMessage()
	if msg == nil {
		return errors.New("snapchunk: first chunk carries no message")
	}
	if msg.GetMessage().GetType() != raftpb.MessageType_MsgSnap || msg.GetMessage().GetSnapshot() == nil {
		return fmt.Errorf("snapchunk: first chunk carries a %v message without a snapshot; want MsgSnap", msg.GetMessage().GetType())
	}
	if len(msg.Message.Snapshot.Data) != 0 {
		return errors.New("snapchunk: first chunk's message carries snapshot data inline; data belongs in chunks")
	}
	if c.GetTotalSize() > a.max {
		return fmt.Errorf("snapchunk: snapshot of %d bytes exceeds the limit of %d", c.GetTotalSize(), a.max)
	}
	a.hdr, a.total, a.crc = msg, c.GetTotalSize(), c.GetCrc32C()
	return a.addData(c.GetData())
}

func (a *Assembler) addData(d []byte) error {
	if uint64(len(a.buf))+uint64(len(d)) > a.total {
		return fmt.Errorf("snapchunk: chunk %d brings the data to %d bytes, more than the declared %d",
			a.n, uint64(len(a.buf))+uint64(len(d)), a.total)
	}
	a.buf = append(a.buf, d...)
	return nil
}

// Received is the number of data bytes taken so far.
func (a *Assembler) Received() int { return len(a.buf) }

// Finish checks that the stream was complete and returns the rebuilt message, whose
// snapshot data is the concatenated chunk data.
func (a *Assembler) Finish() (*raftserverpb.RaftMessage, error) {
	if a.hdr == nil {
		return nil, errors.New("snapchunk: empty stream: no chunk arrived")
	}
	if uint64(len(a.buf)) != a.total {
		return nil, fmt.Errorf("snapchunk: truncated snapshot: %d of %d bytes arrived", len(a.buf), a.total)
	}
	if got := crc32.Checksum(a.buf, castagnoli); got != a.crc {
		return nil, fmt.Errorf("snapchunk: snapshot checksum %08x, header says %08x", got, a.crc)
	}
	if a.buf == nil {
		a.buf = []byte{}
	}
	a.hdr.Message.Snapshot.Data = a.buf
	return a.hdr, nil
}
