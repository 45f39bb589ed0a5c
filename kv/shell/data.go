package shell

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/gee-project/gee/kv/client"
)

// Scan limits: the default, and the most one scan command returns (the server's cap).
const (
	defaultScanLimit = 100
	maxScanLimit     = 10000
)

func dataCommands() []*command {
	return []*command{
		{name: "put", form: "KEY VALUE", min: 2, max: 2, kv: true, run: (*Shell).put,
			brief: "write KEY = VALUE (inside a transaction: at commit)"},
		{name: "get", form: "KEY", min: 1, max: 1, kv: true, run: (*Shell).get,
			brief: "print KEY's value (an error if it does not exist)"},
		{name: "delete", form: "KEY", min: 1, max: 1, kv: true, run: (*Shell).del,
			brief: "remove KEY (removing an absent key succeeds)"},
		{name: "scan", form: "[START [END [LIMIT]]]", min: 0, max: 3, kv: true, run: (*Shell).scan,
			brief:  "list the pairs with START <= key < END in key order",
			detail: fmt.Sprintf("START absent or \"\": from the first key; END absent or \"\": no bound. LIMIT is at most %d;\nthe default is %d.", maxScanLimit, defaultScanLimit)},
		{name: "raw", form: "put|get|delete|scan ARGS...", min: 1, max: 4, kv: true, run: (*Shell).raw,
			brief: "the same data commands on the raw (non-transactional) API, a key space of its own",
			detail: "Raw and transactional data do not mix: a transaction does not see raw puts, and a raw scan\n" +
				"shows transactional data in its stored form (key plus encoded timestamp)."},
	}
}

// raw runs a data command on the raw API.
func (s *Shell) raw(ctx context.Context, args []string) error {
	c, ok := commands[args[0]]
	if !ok || c.run == nil || !isDataCommand(args[0]) {
		return usagef("raw: unknown operation %q (want put, get, delete or scan)", args[0])
	}
	rest := args[1:]
	if len(rest) < c.min || (c.max >= 0 && len(rest) > c.max) {
		return argCountError(c, len(rest))
	}
	if s.dry {
		return s.data(ctx, args[0], rest, dryAccess{})
	}
	kv, err := s.kv("raw " + args[0])
	if err != nil {
		return err
	}
	return s.data(ctx, args[0], rest, rawAccess{kv})
}

func isDataCommand(name string) bool {
	return name == "put" || name == "get" || name == "delete" || name == "scan"
}

func (s *Shell) put(ctx context.Context, args []string) error  { return s.inTxn(ctx, "put", args) }
func (s *Shell) get(ctx context.Context, args []string) error  { return s.inTxn(ctx, "get", args) }
func (s *Shell) del(ctx context.Context, args []string) error  { return s.inTxn(ctx, "delete", args) }
func (s *Shell) scan(ctx context.Context, args []string) error { return s.inTxn(ctx, "scan", args) }

// inTxn runs a data command in the open transaction or, with none open, in a transaction of
// its own that commits right after a write and is dropped after a read (autocommit, as in a
// SQL shell), so everything the shell writes lives in the one transactional key space.
func (s *Shell) inTxn(ctx context.Context, cmd string, args []string) error {
	if s.dry {
		return s.data(ctx, cmd, args, dryAccess{})
	}
	if s.txn != nil {
		return s.data(ctx, cmd, args, s.txn)
	}
	kv, err := s.kv(cmd)
	if err != nil {
		return err
	}
	t, err := s.startTxn(ctx, kv)
	if err != nil {
		return clusterErr(cmd, err)
	}
	if err := s.data(ctx, cmd, args, t); err != nil {
		_ = t.Rollback(ctx)
		return err
	}
	if cmd == "put" || cmd == "delete" {
		if err := t.Commit(ctx); err != nil {
			return clusterErr(cmd, err)
		}
		return nil
	}
	return t.Rollback(ctx) // read only: nothing to undo, no locks were taken
}

// access is where a data command reads and writes: a transaction (Txn) or the raw API.
type access interface {
	Get(ctx context.Context, key []byte) ([]byte, error)
	Scan(ctx context.Context, start, end []byte, limit int) ([]client.KV, error)
}

// rawAccess adapts the raw API to access, and writes directly.
type rawAccess struct{ kv KV }

func (r rawAccess) Get(ctx context.Context, key []byte) ([]byte, error) { return r.kv.Get(ctx, key) }
func (r rawAccess) Scan(ctx context.Context, start, end []byte, limit int) ([]client.KV, error) {
	return r.kv.Scan(ctx, start, end, limit)
}

// dryAccess is Check's: it stops a command at its first cluster call.
type dryAccess struct{}

func (dryAccess) Get(context.Context, []byte) ([]byte, error) { return nil, errDry }
func (dryAccess) Scan(context.Context, []byte, []byte, int) ([]client.KV, error) {
	return nil, errDry
}

// data runs put, get, delete or scan against a.
func (s *Shell) data(ctx context.Context, cmd string, args []string, a access) error {
	switch cmd {
	case "put", "delete":
		return s.write(ctx, cmd, args, a)
	case "get":
		return s.getFrom(ctx, args, a)
	}
	return s.scanFrom(ctx, args, a)
}

// kv returns the client for cmd, or an error when the shell has none.
func (s *Shell) kv(cmd string) (KV, error) {
	if s.dry {
		return nil, errDry
	}
	if s.cfg.KV == nil {
		return nil, fmt.Errorf("%s: no key-value client", cmd)
	}
	return s.cfg.KV, nil
}

// key checks that a key argument is not empty (the empty key cannot be written).
func key(cmd, arg string) ([]byte, error) {
	if arg == "" {
		return nil, usagef("%s: empty key", cmd)
	}
	return []byte(arg), nil
}

// write runs put or delete: buffered in a transaction, at once on the raw API.
func (s *Shell) write(ctx context.Context, cmd string, args []string, a access) error {
	k, err := key(cmd, args[0])
	if err != nil {
		return err
	}
	switch a := a.(type) {
	case Txn:
		if cmd == "put" {
			err = a.Set(k, []byte(args[1]))
		} else {
			err = a.Delete(k)
		}
	case rawAccess:
		if cmd == "put" {
			err = a.kv.Put(ctx, k, []byte(args[1]))
		} else {
			err = a.kv.Delete(ctx, k)
		}
	default:
		err = errDry
	}
	if err != nil {
		return clusterErr(cmd, err)
	}
	return s.emitOK()
}

// emitOK answers a write: nothing in text, {"ok":true} in JSON.
func (s *Shell) emitOK() error {
	return s.emit(okJSON{OK: true, Txn: s.txn != nil}, func(io.Writer) {})
}

func (s *Shell) getFrom(ctx context.Context, args []string, a access) error {
	k, err := key("get", args[0])
	if err != nil {
		return err
	}
	v, err := a.Get(ctx, k)
	if errors.Is(err, client.ErrNotFound) {
		return fmt.Errorf("get: %s: key not found", Quote(k))
	}
	if err != nil {
		return clusterErr("get", err)
	}
	return s.emit(newKVJSON(k, v), func(w io.Writer) { fmt.Fprintln(w, Quote(v)) })
}

func (s *Shell) scanFrom(ctx context.Context, args []string, a access) error {
	var start, end []byte
	if len(args) > 0 {
		start = []byte(args[0])
	}
	if len(args) > 1 {
		end = []byte(args[1])
	}
	limit, err := parseLimit("scan", args, 2, defaultScanLimit, maxScanLimit)
	if err != nil {
		return err
	}
	kvs, err := a.Scan(ctx, start, end, limit)
	if err != nil {
		return clusterErr("scan", err)
	}
	out := make([]kvJSON, len(kvs))
	for i, p := range kvs {
		out[i] = newKVJSON(p.Key, p.Value)
	}
	return s.emit(out, func(w io.Writer) {
		fmt.Fprintln(w, "KEY\tVALUE")
		for _, p := range kvs {
			fmt.Fprintf(w, "%s\t%s\n", Quote(p.Key), Quote(p.Value))
		}
		more := ""
		if len(kvs) == limit {
			more = ", limit reached"
		}
		fmt.Fprintf(w, "(%s%s)\n", plural(len(kvs), "pair"), more)
	})
}
