package cluster

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/gee-project/gee/kv/proto/errorpb"
	"github.com/gee-project/gee/kv/proto/kvrpcpb"
	"github.com/gee-project/gee/kv/proto/tinykvpb"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// GRPCKV is a KVClient over the TinyKv gRPC API of real server processes. It follows
// NotLeader's leader_address, rotates through the addresses otherwise, and — unlike a
// production client — returns an *AmbiguousError instead of retrying a write whose
// outcome it cannot know, so the history records every attempt.
type GRPCKV struct {
	addrs []string

	mu     sync.Mutex
	conns  map[string]*grpc.ClientConn
	leader int
}

// NewGRPCKV returns a client of the servers at addrs (host:port).
func NewGRPCKV(addrs []string) *GRPCKV {
	return &GRPCKV{addrs: addrs, conns: map[string]*grpc.ClientConn{}}
}

// Close closes every connection.
func (g *GRPCKV) Close() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, c := range g.conns {
		c.Close()
	}
	g.conns = map[string]*grpc.ClientConn{}
}

// Leader returns the address the client currently sends to.
func (g *GRPCKV) Leader() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.addrs[g.leader]
}

func (g *GRPCKV) client() (tinykvpb.TinyKvClient, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	addr := g.addrs[g.leader]
	cc := g.conns[addr]
	if cc == nil {
		var err error
		cc, err = grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			return nil, err
		}
		g.conns[addr] = cc
	}
	return tinykvpb.NewTinyKvClient(cc), nil
}

// follow moves to the hinted leader when its address is known, else to the next server.
func (g *GRPCKV) follow(e *errorpb.Error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if a := e.GetNotLeader().GetLeaderAddress(); a != "" {
		for i, x := range g.addrs {
			if x == a && i != g.leader {
				g.leader = i
				return
			}
		}
	}
	g.leader = (g.leader + 1) % len(g.addrs)
}

// outcome classifies one attempt: done (success), retry (certainly not applied) or
// ambiguous.
func (g *GRPCKV) outcome(rpcErr error, re *errorpb.Error, other string) (done, retry bool, err error) {
	switch {
	case rpcErr != nil:
		g.follow(nil)
		return false, false, rpcErr
	case re != nil:
		g.follow(re)
		if re.NotLeader != nil || re.ServerIsBusy != nil || re.RegionNotFound != nil ||
			re.EpochNotMatch != nil || re.StoreNotMatch != nil || re.KeyNotInRegion != nil {
			return false, true, fmt.Errorf("region error: %s", re.GetMessage())
		}
		return false, false, fmt.Errorf("region error: %s", re.GetMessage())
	case other != "":
		return false, false, errors.New(other)
	}
	return true, false, nil
}

func (g *GRPCKV) write(ctx context.Context, call func(c tinykvpb.TinyKvClient) (*errorpb.Error, string, error)) error {
	for {
		c, err := g.client()
		if err != nil {
			return err
		}
		re, other, rpcErr := call(c)
		done, retry, err := g.outcome(rpcErr, re, other)
		if done {
			return nil
		}
		if !retry {
			return &AmbiguousError{Err: err}
		}
		if serr := sleepCtx(ctx, backoff); serr != nil {
			return fmt.Errorf("%v (%w)", err, serr)
		}
	}
}

// Put implements KVClient.
func (g *GRPCKV) Put(ctx context.Context, key, value string) error {
	return g.write(ctx, func(c tinykvpb.TinyKvClient) (*errorpb.Error, string, error) {
		r, err := c.RawPut(ctx, &kvrpcpb.RawPutRequest{Context: &kvrpcpb.Context{}, Key: []byte(key), Value: []byte(value)})
		return r.GetRegionError(), r.GetError(), err
	})
}

// Delete implements KVClient.
func (g *GRPCKV) Delete(ctx context.Context, key string) error {
	return g.write(ctx, func(c tinykvpb.TinyKvClient) (*errorpb.Error, string, error) {
		r, err := c.RawDelete(ctx, &kvrpcpb.RawDeleteRequest{Context: &kvrpcpb.Context{}, Key: []byte(key)})
		return r.GetRegionError(), r.GetError(), err
	})
}

// read retries every failure until ctx ends: a read has no effect.
func (g *GRPCKV) read(ctx context.Context, call func(c tinykvpb.TinyKvClient) (*errorpb.Error, string, error)) error {
	for {
		c, err := g.client()
		if err != nil {
			return err
		}
		re, other, rpcErr := call(c)
		done, _, err := g.outcome(rpcErr, re, other)
		if done {
			return nil
		}
		if serr := sleepCtx(ctx, backoff); serr != nil {
			return fmt.Errorf("%v (%w)", err, serr)
		}
	}
}

// Get implements KVClient.
func (g *GRPCKV) Get(ctx context.Context, key string) (string, bool, error) {
	var v string
	var found bool
	err := g.read(ctx, func(c tinykvpb.TinyKvClient) (*errorpb.Error, string, error) {
		r, err := c.RawGet(ctx, &kvrpcpb.RawGetRequest{Context: &kvrpcpb.Context{}, Key: []byte(key)})
		v, found = string(r.GetValue()), !r.GetNotFound()
		return r.GetRegionError(), r.GetError(), err
	})
	return v, found, err
}

// Scan implements KVClient.
func (g *GRPCKV) Scan(ctx context.Context, start, end string, limit int) ([]KV, error) {
	var out []KV
	lim := uint32(limit)
	if limit == 0 {
		lim = 1 << 20
	}
	err := g.read(ctx, func(c tinykvpb.TinyKvClient) (*errorpb.Error, string, error) {
		r, err := c.RawScan(ctx, &kvrpcpb.RawScanRequest{Context: &kvrpcpb.Context{}, StartKey: []byte(start), EndKey: []byte(end), Limit: lim})
		out = out[:0]
		for _, kv := range r.GetKvs() {
			out = append(out, KV{string(kv.GetKey()), string(kv.GetValue())})
		}
		return r.GetRegionError(), r.GetError(), err
	})
	return out, err
}
