package kv

import (
	"context"
	"fmt"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/concurrency"
)

// etcdTxn runs the transactional workloads on clientv3: writes as a
// compare-and-swap Txn on each key's mod_revision, increments through
// concurrency.STM (serializable snapshot isolation, its default).
type etcdTxn struct{ cli *clientv3.Client }

// WriteTxn reads the keys' mod revisions in one (linearizable) Txn, the
// snapshot, then commits one Txn that puts every key if none changed since.
// A failed compare is an abort; it starts over.
func (s etcdTxn) WriteTxn(ctx context.Context, keys [][]byte) (attempts int, err error) {
	gets := make([]clientv3.Op, len(keys))
	for i, k := range keys {
		gets[i] = clientv3.OpGet(string(k), clientv3.WithKeysOnly())
	}
	for ctx.Err() == nil {
		snap, err := s.cli.Txn(ctx).Then(gets...).Commit()
		if err != nil {
			return attempts, err
		}
		cmps := make([]clientv3.Cmp, len(keys))
		puts := make([]clientv3.Op, len(keys))
		for i, k := range keys {
			var rev int64
			if kvs := snap.Responses[i].GetResponseRange().Kvs; len(kvs) > 0 {
				rev = kvs[0].ModRevision
			}
			cmps[i] = clientv3.Compare(clientv3.ModRevision(string(k)), "=", rev)
			puts[i] = clientv3.OpPut(string(k), string(value(k)))
		}
		attempts++
		resp, err := s.cli.Txn(ctx).If(cmps...).Then(puts...).Commit()
		if err != nil {
			return attempts, err
		}
		if resp.Succeeded {
			return attempts, nil
		}
	}
	return attempts, ctx.Err()
}

// Increment runs one STM transaction; the STM retries aborts itself, and
// each run of the apply function is one attempt.
func (s etcdTxn) Increment(ctx context.Context, key []byte) (attempts int, err error) {
	k := string(key)
	_, err = concurrency.NewSTM(s.cli, func(stm concurrency.STM) error {
		attempts++
		var v []byte
		if s := stm.Get(k); s != "" {
			v = []byte(s)
		}
		n, err := parseCounter(key, v)
		if err != nil {
			return err
		}
		stm.Put(k, fmt.Sprint(n+1))
		return nil
	}, concurrency.WithAbortContext(ctx), concurrency.WithIsolation(concurrency.SerializableSnapshot))
	return attempts, err
}

// Counters reads keys in one Txn (one revision).
func (s etcdTxn) Counters(ctx context.Context, keys [][]byte) ([]int64, error) {
	gets := make([]clientv3.Op, len(keys))
	for i, k := range keys {
		gets[i] = clientv3.OpGet(string(k))
	}
	resp, err := s.cli.Txn(ctx).Then(gets...).Commit()
	if err != nil {
		return nil, err
	}
	out := make([]int64, len(keys))
	for i, r := range resp.Responses {
		var v []byte
		if kvs := r.GetResponseRange().Kvs; len(kvs) > 0 {
			v = kvs[0].Value
		}
		if out[i], err = parseCounter(keys[i], v); err != nil {
			return nil, err
		}
	}
	return out, nil
}
