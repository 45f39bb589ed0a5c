package client

import (
	"errors"
	"fmt"

	"github.com/gee-project/gee/kv/proto/kvrpcpb"
)

// ErrConflict matches every *ConflictError: errors.Is(err, ErrConflict).
var ErrConflict = errors.New("client: transaction conflict")

// ErrTxnDone is returned by a Txn's calls after Commit or Rollback.
var ErrTxnDone = errors.New("client: transaction already committed or rolled back")

// ConflictError says a transaction did not commit and will not: another transaction wrote
// or kept locked a key it wrote, or it was rolled back (its locks outlived their TTL). A new
// transaction (new Begin) may succeed; see IsRetryable.
type ConflictError struct {
	StartTS uint64 // the transaction that failed
	Key     []byte // the key that conflicted
	Reason  string
}

// Error names the transaction, the key and the reason.
func (e *ConflictError) Error() string {
	return fmt.Sprintf("client: txn %d: conflict on key %q: %s", e.StartTS, e.Key, e.Reason)
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// UndeterminedError says the commit of the transaction's primary key (or its one-phase
// commit, with CommitTS 0: the store picks it) was sent but no answer came back: the
// transaction may or may not have committed. Read the keys in a new transaction to find
// out; do not blindly retry a non-idempotent change.
type UndeterminedError struct {
	StartTS, CommitTS uint64
	Primary           []byte
	Err               error // the last failure of the primary's commit
}

// Error names the transaction, its commit timestamp and primary key, and the last failure.
func (e *UndeterminedError) Error() string {
	return fmt.Sprintf("client: txn %d: commit at %d of primary %q undetermined: %v", e.StartTS, e.CommitTS, e.Primary, e.Err)
}

// Unwrap returns the last failure of the primary's commit.
func (e *UndeterminedError) Unwrap() error { return e.Err }

// IsRetryable reports whether err says the transaction failed for good and a new
// transaction doing the same work may succeed (a conflict). Undetermined commits and other
// errors are not retryable this way.
func IsRetryable(err error) bool { return errors.Is(err, ErrConflict) }

// keyError turns a per-key error other than Locked into a ConflictError (the transaction
// cannot go on, but a new one may) or, for an unknown error, a plain error.
func keyError(startTS uint64, key []byte, e *kvrpcpb.KeyError) error {
	switch {
	case e.GetConflict() != nil:
		c := e.GetConflict()
		if len(c.GetKey()) > 0 {
			key = c.GetKey()
		}
		return &ConflictError{StartTS: startTS, Key: key, Reason: fmt.Sprintf(
			"write conflict: txn %d committed it at %d", c.GetConflictTs(), c.GetConflictCommitTs())}
	case e.GetAbort() != "":
		return &ConflictError{StartTS: startTS, Key: key, Reason: "aborted: " + e.GetAbort()}
	case e.GetRetryable() != "":
		return &ConflictError{StartTS: startTS, Key: key, Reason: e.GetRetryable()}
	case e.GetLocked() != nil:
		l := e.GetLocked()
		return &ConflictError{StartTS: startTS, Key: key, Reason: "locked by " + lockString(l)}
	}
	return fmt.Errorf("client: txn %d: key %q: unknown key error %v", startTS, key, e)
}

// lockString names a lock in errors.
func lockString(l *kvrpcpb.LockInfo) string {
	return fmt.Sprintf("txn %d (primary %q, ttl %d ms)", l.GetLockVersion(), l.GetPrimaryLock(), l.GetLockTtl())
}
