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
	}
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

func (s *Shell) put(ctx context.Context, args []string) error {
	k, err := key("put", args[0])
	if err != nil {
		return err
	}
	if s.txn != nil {
		err = s.txn.Set(k, []byte(args[1]))
	} else if kv, kerr := s.kv("put"); kerr != nil {
		return kerr
	} else {
		err = kv.Put(ctx, k, []byte(args[1]))
	}
	if err != nil {
		return clusterErr("put", err)
	}
	return s.emitOK()
}

func (s *Shell) del(ctx context.Context, args []string) error {
	k, err := key("delete", args[0])
	if err != nil {
		return err
	}
	if s.txn != nil {
		err = s.txn.Delete(k)
	} else if kv, kerr := s.kv("delete"); kerr != nil {
		return kerr
	} else {
		err = kv.Delete(ctx, k)
	}
	if err != nil {
		return clusterErr("delete", err)
	}
	return s.emitOK()
}

// emitOK answers a write: nothing in text, {"ok":true} in JSON.
func (s *Shell) emitOK() error {
	return s.emit(okJSON{OK: true, Txn: s.txn != nil}, func(io.Writer) {})
}

func (s *Shell) get(ctx context.Context, args []string) error {
	k, err := key("get", args[0])
	if err != nil {
		return err
	}
	var v []byte
	if s.txn != nil {
		v, err = s.txn.Get(ctx, k)
	} else if kv, kerr := s.kv("get"); kerr != nil {
		return kerr
	} else {
		v, err = kv.Get(ctx, k)
	}
	if errors.Is(err, client.ErrNotFound) {
		return fmt.Errorf("get: %s: key not found", Quote(k))
	}
	if err != nil {
		return clusterErr("get", err)
	}
	return s.emit(newKVJSON(k, v), func(w io.Writer) { fmt.Fprintln(w, Quote(v)) })
}

func (s *Shell) scan(ctx context.Context, args []string) error {
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
	var kvs []client.KV
	if s.txn != nil {
		kvs, err = s.txn.Scan(ctx, start, end, limit)
	} else if kv, kerr := s.kv("scan"); kerr != nil {
		return kerr
	} else {
		kvs, err = kv.Scan(ctx, start, end, limit)
	}
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
