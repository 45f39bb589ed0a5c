// Package storage is the boundary between TinyKV's gRPC service and the backends that
// hold the data: the standalone engine (kv/storage/standalone) and the replicated
// raftstore (kv/raftstore). The service speaks only this interface.
package storage

import (
	"context"
	"fmt"

	"github.com/gee-project/gee/kv/proto/errorpb"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
)

// ModifyKind says what a Modify does.
type ModifyKind uint8

// Modify kinds.
const (
	ModifyPut ModifyKind = iota + 1
	ModifyDelete
)

// Modify is one write in a column family.
type Modify struct {
	Kind  ModifyKind
	CF    string
	Key   []byte
	Value []byte // only for ModifyPut
}

// Put returns a put Modify.
func Put(cf string, key, value []byte) Modify {
	return Modify{Kind: ModifyPut, CF: cf, Key: key, Value: value}
}

// Delete returns a delete Modify.
func Delete(cf string, key []byte) Modify { return Modify{Kind: ModifyDelete, CF: cf, Key: key} }

// Storage stores key-value data. Write applies a batch atomically and returns once it is
// durable (and, for a replicated backend, committed and applied); Reader returns a
// consistent view that reflects every write acknowledged before the call (unless the
// request context asks for a stale read).
//
// Routing and leadership problems are returned as *RegionError; anything else is an
// ordinary error whose text names the problem.
type Storage interface {
	Start() error
	Stop() error
	Write(ctx context.Context, kvctx *kvrpcpb.Context, batch []Modify) error
	Reader(ctx context.Context, kvctx *kvrpcpb.Context) (Reader, error)
}

// Reader is a consistent read view. Close it when done.
type Reader interface {
	// GetCF returns the value of key in cf, or nil, nil when the key is absent.
	GetCF(cf string, key []byte) ([]byte, error)
	// IterCF iterates user keys in [start, end) of cf; an empty end means no bound.
	IterCF(cf string, start, end []byte) (Iterator, error)
	Close()
}

// Iterator walks user keys in ascending order; Key and Value are valid until Next.
type Iterator interface {
	Valid() bool
	Next()
	Seek(key []byte)
	Key() []byte
	Value() []byte
	Err() error
	Close() error
}

// RegionError is a routing or leadership failure the client can act on (retry elsewhere,
// refresh the region, back off). Err names the cause.
type RegionError struct {
	Err *errorpb.Error
}

func (e *RegionError) Error() string {
	if e.Err == nil {
		return "region error"
	}
	return fmt.Sprintf("region error: %s", e.Err.GetMessage())
}
