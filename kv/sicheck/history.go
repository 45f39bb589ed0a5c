// Package sicheck checks a recorded history of transactions for snapshot-isolation anomalies.
//
// A history is what clients observed: for each transaction its start and commit timestamps, its
// outcome, the values it read from its snapshot and the values it wrote. Under Percolator's
// snapshot isolation a transaction reads the snapshot at its start_ts (the newest committed
// version with commit_ts ≤ start_ts of every key) and commits only if no other transaction
// committed a write to one of its keys after its start_ts (first committer wins).
//
// The harness that records a history must write values that are unique per key: no two
// transactions, and no two writes of one transaction, may write the same value to the same key.
// A read then names the write it saw. Reads a client answered from its own write buffer must not
// be recorded (a read returning the transaction's own value is skipped).
package sicheck

import "fmt"

// Status is a transaction's outcome as the client saw it.
type Status int

const (
	// Committed means the client's commit succeeded (read-only transactions too).
	Committed Status = iota + 1
	// Aborted means the transaction certainly did not commit.
	Aborted
	// Undetermined means the commit's outcome is unknown; the transaction may have committed.
	Undetermined
)

// String names the status.
func (s Status) String() string {
	switch s {
	case Committed:
		return "committed"
	case Aborted:
		return "aborted"
	case Undetermined:
		return "undetermined"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Read is one key read from a transaction's snapshot. Found is false when the key was absent.
type Read struct {
	Key   string
	Value string
	Found bool
}

// Write is one write of a transaction, in the order the transaction made them. Delete writes
// carry no value.
type Write struct {
	Key    string
	Value  string
	Delete bool
}

// Txn is one transaction of a history.
type Txn struct {
	// ID names the transaction in reports; unique within a history.
	ID int
	// Start is the start_ts (the snapshot version); never 0.
	Start uint64
	// Commit is the commit_ts, 0 when unknown; ignored for read-only transactions (a client may
	// report their start_ts).
	Commit uint64
	Status Status
	Reads  []Read
	Writes []Write
}

// Kind names a class of anomaly.
type Kind string

const (
	// G0 is a dirty write: two committed transactions whose [start, commit] intervals overlap
	// both wrote a key, so one overwrote a version it never saw (first committer wins broken).
	G0 Kind = "G0"
	// G1a is an aborted read: a read saw a value only an aborted transaction wrote.
	G1a Kind = "G1a"
	// G1b is an intermediate read: a read saw a value its writer later overwrote itself.
	G1b Kind = "G1b"
	// G1c is circular information flow: a cycle of write-write and write-read dependencies
	// among committed transactions.
	G1c Kind = "G1c"
	// LostUpdate is two committed transactions that read the same version of a key and both
	// wrote that key.
	LostUpdate Kind = "lost-update"
	// ReadSkew is a read that is not the snapshot at the reader's start_ts: it saw a version
	// committed after start_ts, or missed the newest version committed at or before it.
	ReadSkew Kind = "read-skew"
	// GarbageRead is a read of a value no transaction in the history wrote.
	GarbageRead Kind = "garbage-read"
)

// Anomaly is one violation found in a history.
type Anomaly struct {
	Kind Kind
	// Txns are the IDs of the transactions involved, the reader (or first) one first.
	Txns []int
	// Keys are the keys involved.
	Keys   []string
	Detail string
}

// String renders the anomaly for a test log.
func (a Anomaly) String() string {
	return fmt.Sprintf("%s txns=%v keys=%q: %s", a.Kind, a.Txns, a.Keys, a.Detail)
}
