package cluster

import (
	"context"
	"errors"
	"fmt"

	"github.com/gee-project/gee/kv/client"
)

// ClientKV is a KVClient over kv/client, for real server processes. The client must be
// built WithMaxAttempts(1): kv/client retries a timed-out put by itself, and a put that
// lands twice (v, then another client's w, then v again) is not one linearizable
// operation. Here each attempt is its own recorded operation instead: ClientKV retries
// only refusals that prove nothing was proposed (NotLeader, ServerIsBusy, …) and returns
// an *AmbiguousError for the rest.
type ClientKV struct {
	C *client.Client
}

// definite reports whether err proves the request was not proposed.
func definite(err error) bool {
	var re *client.RegionError
	if !errors.As(err, &re) {
		return false
	}
	e := re.Err
	return e.GetNotLeader() != nil || e.GetServerIsBusy() != nil || e.GetRegionNotFound() != nil ||
		e.GetEpochNotMatch() != nil || e.GetStoreNotMatch() != nil || e.GetKeyNotInRegion() != nil
}

func (k ClientKV) write(ctx context.Context, f func() error) error {
	for {
		err := f()
		if err == nil {
			return nil
		}
		if !definite(err) {
			return &AmbiguousError{Err: err}
		}
		if serr := sleepCtx(ctx, backoff); serr != nil {
			return fmt.Errorf("%v (%w)", err, serr)
		}
	}
}

// read retries every failure until ctx ends: a read has no effect.
func (k ClientKV) read(ctx context.Context, f func() error) error {
	for {
		err := f()
		if err == nil {
			return nil
		}
		if serr := sleepCtx(ctx, backoff); serr != nil {
			return fmt.Errorf("%v (%w)", err, serr)
		}
	}
}

// Put implements KVClient.
func (k ClientKV) Put(ctx context.Context, key, value string) error {
	return k.write(ctx, func() error { return k.C.Put(ctx, []byte(key), []byte(value)) })
}

// Delete implements KVClient.
func (k ClientKV) Delete(ctx context.Context, key string) error {
	return k.write(ctx, func() error { return k.C.Delete(ctx, []byte(key)) })
}

// Get implements KVClient.
func (k ClientKV) Get(ctx context.Context, key string) (string, bool, error) {
	var v []byte
	var found bool
	err := k.read(ctx, func() error {
		var err error
		v, err = k.C.Get(ctx, []byte(key))
		found = err == nil
		if errors.Is(err, client.ErrNotFound) {
			return nil
		}
		return err
	})
	return string(v), found, err
}

// scanCap is the most pairs one server scan returns.
const scanCap = 10000

// Scan implements KVClient; it fails rather than return a result the server capped.
func (k ClientKV) Scan(ctx context.Context, start, end string, limit int) ([]KV, error) {
	if limit == 0 || limit > scanCap {
		limit = scanCap
	}
	var out []KV
	err := k.read(ctx, func() error {
		kvs, err := k.C.Scan(ctx, []byte(start), []byte(end), limit)
		if err != nil {
			return err
		}
		if len(kvs) == scanCap {
			return errors.New("scan hit the server's cap")
		}
		out = out[:0]
		for _, kv := range kvs {
			out = append(out, KV{string(kv.Key), string(kv.Value)})
		}
		return nil
	})
	return out, err
}
