package rpc

import (
	"context"
	"encoding/binary"
	"errors"
)

// Req is the benchmark message: {A, B int64, 512-byte string}, echoed.
type Req struct {
	A, B int64
	S    string
}

// Echo is the service every implementation serves.
type Echo struct{}

// Echo is the net/rpc form.
func (Echo) Echo(args *Req, reply *Req) error {
	*reply = *args
	return nil
}

// GeeEcho is the GeeRPC service, in the context-aware form.
type GeeEcho struct{}

// Echo returns its argument.
func (GeeEcho) Echo(ctx context.Context, args *Req, reply *Req) error {
	*reply = *args
	return nil
}

// rawCodec is a hand-written gRPC codec for *Req, so gRPC is measured
// without protobuf reflection: the fairest fast path it can have.
type rawCodec struct{}

// Name is the gRPC content-subtype the codec registers under.
func (rawCodec) Name() string { return "geebench" }

// Marshal encodes a *Req as varint A, varint B, length-prefixed S.
func (rawCodec) Marshal(v any) ([]byte, error) {
	r, ok := v.(*Req)
	if !ok {
		return nil, errors.New("rawCodec: want *Req")
	}
	b := make([]byte, 0, 20+len(r.S))
	b = binary.AppendVarint(b, r.A)
	b = binary.AppendVarint(b, r.B)
	b = binary.AppendUvarint(b, uint64(len(r.S)))
	return append(b, r.S...), nil
}

// Unmarshal is the inverse of Marshal.
func (rawCodec) Unmarshal(data []byte, v any) error {
	r, ok := v.(*Req)
	if !ok {
		return errors.New("rawCodec: want *Req")
	}
	var n int
	r.A, n = binary.Varint(data)
	if n <= 0 {
		return errors.New("rawCodec: bad A")
	}
	data = data[n:]
	r.B, n = binary.Varint(data)
	if n <= 0 {
		return errors.New("rawCodec: bad B")
	}
	data = data[n:]
	l, n := binary.Uvarint(data)
	if n <= 0 || l != uint64(len(data)-n) {
		return errors.New("rawCodec: bad S")
	}
	r.S = string(data[n:])
	return nil
}
