// Package shell is the command interpreter of the TinyKV playground shell and tinykv-ctl: one
// line such as `put k v`, `scan a z 10`, `regions` or `operator add-peer 2 4` runs against a
// key-value client and the scheduler, printing a text table or, in JSON mode, one JSON value.
// Type `help` for the commands.
package shell

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/gee-project/gee/kv/client"
)

// KV is the key-value client of put, get, delete, scan and begin; *client.Client satisfies it.
// Outside a transaction the data commands are raw (RawPut, RawGet...); raw keys and
// transactional keys are separate key spaces.
type KV interface {
	Get(ctx context.Context, key []byte, opts ...client.CallOption) ([]byte, error)
	Put(ctx context.Context, key, value []byte, opts ...client.CallOption) error
	Delete(ctx context.Context, key []byte, opts ...client.CallOption) error
	Scan(ctx context.Context, start, end []byte, limit int, opts ...client.CallOption) ([]client.KV, error)
	Begin(ctx context.Context, opts ...client.TxnOption) (*client.Txn, error)
}

// Txn is an open transaction; *client.Txn satisfies it.
type Txn interface {
	Get(ctx context.Context, key []byte) ([]byte, error)
	Set(key, value []byte) error
	Delete(key []byte) error
	Scan(ctx context.Context, start, end []byte, limit int) ([]client.KV, error)
	Commit(ctx context.Context) error
	Rollback(ctx context.Context) error
	StartTS() uint64
	CommitTS() uint64
}

// TxnBeginner is implemented by a KV whose transactions are not *client.Txn (a fake, a
// wrapper): begin then starts them with BeginTxn instead of Begin.
type TxnBeginner interface {
	BeginTxn(ctx context.Context) (Txn, error)
}

// Nodes kills and restarts the stores of a playground cluster.
type Nodes interface {
	Kill(storeID uint64) error
	Restart(storeID uint64) error
}

// Config is what a Shell runs against. KV and Admin may be nil when no command needs them (a
// command that does answers with an error); Nodes is nil outside the playground.
type Config struct {
	KV    KV
	Admin Admin
	Nodes Nodes
	JSON  bool      // print one JSON value per command instead of text
	Out   io.Writer // where commands print; nil discards
}

// Shell runs command lines; it holds the open transaction between them. It is not safe for
// concurrent use.
type Shell struct {
	cfg Config
	out io.Writer
	txn Txn  // nil when no transaction is open
	dry bool // Check: stop before the first cluster call (kv, admin and open answer errDry)
}

// New returns a Shell over cfg.
func New(cfg Config) *Shell {
	out := cfg.Out
	if out == nil {
		out = io.Discard
	}
	return &Shell{cfg: cfg, out: out}
}

// ErrUsage is matched (errors.Is) by every error that comes from the command line itself (an
// unknown command, a wrong argument count, a bad number or quote, commit with no transaction)
// rather than from the cluster.
var ErrUsage = errors.New("usage error")

type usageError struct{ msg string }

func (e *usageError) Error() string        { return e.msg }
func (e *usageError) Is(target error) bool { return target == ErrUsage }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// Exec runs one command line (an empty line or a # comment does nothing). Every cluster call
// uses ctx, so cancelling it stops a running command. Errors name the command.
func (s *Shell) Exec(ctx context.Context, line string) error {
	ws, err := Words(line)
	if err != nil {
		return err
	}
	return s.ExecWords(ctx, ws)
}

// ExecWords runs the command already split into words (ws[0] is its name), each word taken
// as given: no quotes are removed. No words does nothing.
func (s *Shell) ExecWords(ctx context.Context, ws []string) error {
	cmd, args, err := parseWords(ws)
	if err != nil || cmd == nil {
		return err
	}
	return cmd.run(s, ctx, args)
}

// errDry stops a command run by Check where it would first call the cluster.
var errDry = errors.New("dry run")

// Check checks line as Exec would, up to its first cluster call, without running it: the
// command, argument count, numbers, keys and quotes. It returns the command's name ("" for an
// empty line or a comment). It does not know a shell's state: commit without begin passes.
func Check(line string) (string, error) {
	ws, err := Words(line)
	if err != nil {
		return "", err
	}
	return CheckWords(ws)
}

// CheckWords is Check of a command already split into words, as ExecWords takes them.
func CheckWords(ws []string) (string, error) {
	cmd, args, err := parseWords(ws)
	if err != nil || cmd == nil {
		return "", err
	}
	dry := &Shell{out: io.Discard, dry: true}
	if err := cmd.run(dry, context.Background(), args); err != nil && !errors.Is(err, errDry) {
		return "", err
	}
	return cmd.name, nil
}

// UsesKV reports whether the command named name needs Config.KV.
func UsesKV(name string) bool {
	c, ok := commands[name]
	return ok && c.kv
}

// InTxn reports whether a transaction is open.
func (s *Shell) InTxn() bool { return s.txn != nil }

// Close rolls back a transaction left open, reporting that it did so as an error; it returns
// nil when none was open.
func (s *Shell) Close(ctx context.Context) error {
	if s.txn == nil {
		return nil
	}
	t := s.txn
	s.txn = nil
	if err := t.Rollback(ctx); err != nil {
		return fmt.Errorf("transaction %d left open; rollback: %w", t.StartTS(), err)
	}
	return fmt.Errorf("transaction %d left open without commit: rolled back", t.StartTS())
}

var _ KV = (*client.Client)(nil)
