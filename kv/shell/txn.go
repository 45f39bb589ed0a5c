package shell

import (
	"context"
	"fmt"
	"io"
)

func txnCommands() []*command {
	return []*command{
		{name: "begin", kv: true, run: (*Shell).begin,
			brief: "start a transaction: put, get, delete, scan go through it until commit"},
		{name: "commit", kv: true, run: (*Shell).commit,
			brief: "commit the open transaction and print its commit timestamp"},
		{name: "rollback", kv: true, run: (*Shell).rollback,
			brief: "drop the open transaction's writes"},
	}
}

// txnJSON is the JSON answer of begin and commit.
type txnJSON struct {
	StartTS  uint64 `json:"start_ts"`
	CommitTS uint64 `json:"commit_ts,omitempty"`
}

func (s *Shell) begin(ctx context.Context, _ []string) error {
	if s.txn != nil {
		return usagef("begin: transaction %d is open: commit or rollback it first", s.txn.StartTS())
	}
	kv, err := s.kv("begin")
	if err != nil {
		return err
	}
	t, err := s.startTxn(ctx, kv)
	if err != nil {
		return clusterErr("begin", err)
	}
	s.txn = t
	return s.emit(txnJSON{StartTS: t.StartTS()}, func(w io.Writer) {
		fmt.Fprintf(w, "transaction %d open\n", t.StartTS())
	})
}

// startTxn starts a transaction on kv (through BeginTxn when kv has it).
func (s *Shell) startTxn(ctx context.Context, kv KV) (Txn, error) {
	if b, ok := kv.(TxnBeginner); ok {
		return b.BeginTxn(ctx)
	}
	return beginClient(ctx, kv)
}

// beginClient starts a *client.Txn; a nil one is not returned as a non-nil Txn.
func beginClient(ctx context.Context, kv KV) (Txn, error) {
	t, err := kv.Begin(ctx)
	if err != nil {
		return nil, err
	}
	return t, nil
}

// open returns the open transaction, or a usage error naming cmd.
func (s *Shell) open(cmd string) (Txn, error) {
	if s.dry {
		return nil, errDry
	}
	if s.txn == nil {
		return nil, usagef("%s: no open transaction (begin one first)", cmd)
	}
	return s.txn, nil
}

// commit ends the transaction whatever the outcome: after a failed Commit it did not commit
// (or, for an undetermined error, may have), and either way it takes no more writes.
func (s *Shell) commit(ctx context.Context, _ []string) error {
	t, err := s.open("commit")
	if err != nil {
		return err
	}
	s.txn = nil
	if err := t.Commit(ctx); err != nil {
		return clusterErr("commit", err)
	}
	return s.emit(txnJSON{StartTS: t.StartTS(), CommitTS: t.CommitTS()}, func(w io.Writer) {
		fmt.Fprintf(w, "committed at ts %d\n", t.CommitTS())
	})
}

func (s *Shell) rollback(ctx context.Context, _ []string) error {
	t, err := s.open("rollback")
	if err != nil {
		return err
	}
	s.txn = nil
	if err := t.Rollback(ctx); err != nil {
		return clusterErr("rollback", err)
	}
	return s.emit(okJSON{OK: true}, func(w io.Writer) {
		fmt.Fprintf(w, "transaction %d rolled back\n", t.StartTS())
	})
}
