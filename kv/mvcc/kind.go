package mvcc

import (
	"fmt"

	"github.com/gee-project/gee/kv/proto/kvrpcpb"
)

// WriteKind is the kind of a lock or of a write record.
type WriteKind uint8

// Write and lock kinds. A lock is never of kind WriteRollback.
const (
	WritePut      WriteKind = 1 // the transaction set the key's value
	WriteDelete   WriteKind = 2 // the transaction deleted the key
	WriteRollback WriteKind = 3 // the transaction with this start_ts was rolled back here
	WriteLock     WriteKind = 4 // the transaction only locked the key (its value is unchanged)
)

func (k WriteKind) String() string {
	switch k {
	case WritePut:
		return "put"
	case WriteDelete:
		return "delete"
	case WriteRollback:
		return "rollback"
	case WriteLock:
		return "lock"
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

func (k WriteKind) valid() bool { return k >= WritePut && k <= WriteLock }

// KindOfOp maps a mutation's op to the kind of its lock and write record. Rollback is
// not a mutation: it errors.
func KindOfOp(op kvrpcpb.Op) (WriteKind, error) {
	switch op {
	case kvrpcpb.Op_Put:
		return WritePut, nil
	case kvrpcpb.Op_Del:
		return WriteDelete, nil
	case kvrpcpb.Op_Lock:
		return WriteLock, nil
	}
	return 0, fmt.Errorf("op %v is not a mutation (want Put, Del or Lock)", op)
}

// Op maps a kind to the protocol's Op.
func (k WriteKind) Op() kvrpcpb.Op {
	switch k {
	case WriteDelete:
		return kvrpcpb.Op_Del
	case WriteRollback:
		return kvrpcpb.Op_Rollback
	case WriteLock:
		return kvrpcpb.Op_Lock
	}
	return kvrpcpb.Op_Put
}
