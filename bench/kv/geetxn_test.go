package kv

import (
	"context"
	"errors"
	"fmt"

	"github.com/gee-project/gee/kv/client"
)

// geeTxn runs the transactional workloads on kv/client's Percolator
// transactions (region-aware client only: Begin needs the scheduler's TSO).
// A conflict (client.IsRetryable) is an abort: a new transaction starts
// over. Lock waits and resolution happen inside the client.
type geeTxn struct{ cli *client.Client }

// attempt runs body in new transactions and commits, until one commits.
func (s geeTxn) attempt(ctx context.Context, body func(t *client.Txn) error) (attempts int, err error) {
	for ctx.Err() == nil {
		attempts++
		t, err := s.cli.Begin(ctx)
		if err != nil {
			return attempts, err
		}
		if err := body(t); err != nil {
			_ = t.Rollback(ctx)
			if client.IsRetryable(err) {
				continue
			}
			return attempts, err
		}
		if err := t.Commit(ctx); err == nil || !client.IsRetryable(err) {
			return attempts, err
		}
	}
	return attempts, ctx.Err()
}

// WriteTxn sets every key and commits: prewrite fails on a key committed
// after the snapshot (write conflict), the CAS etcdTxn spells out.
func (s geeTxn) WriteTxn(ctx context.Context, keys [][]byte) (int, error) {
	return s.attempt(ctx, func(t *client.Txn) error {
		for _, k := range keys {
			if err := t.Set(k, value(k)); err != nil {
				return err
			}
		}
		return nil
	})
}

// Increment reads, adds one and writes back in one transaction.
func (s geeTxn) Increment(ctx context.Context, key []byte) (int, error) {
	return s.attempt(ctx, func(t *client.Txn) error {
		v, err := t.Get(ctx, key)
		if errors.Is(err, client.ErrNotFound) {
			v, err = nil, nil
		}
		if err != nil {
			return err
		}
		n, err := parseCounter(key, v)
		if err != nil {
			return err
		}
		return t.Set(key, fmt.Append(nil, n+1))
	})
}

// Counters reads keys in one read-only transaction (one snapshot).
func (s geeTxn) Counters(ctx context.Context, keys [][]byte) ([]int64, error) {
	t, err := s.cli.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer t.Rollback(ctx)
	kvs, err := t.BatchGet(ctx, keys)
	if err != nil {
		return nil, err
	}
	byKey := make(map[string][]byte, len(kvs))
	for _, kv := range kvs {
		byKey[string(kv.Key)] = kv.Value
	}
	out := make([]int64, len(keys))
	for i, k := range keys {
		if out[i], err = parseCounter(k, byKey[string(k)]); err != nil {
			return nil, err
		}
	}
	return out, nil
}
