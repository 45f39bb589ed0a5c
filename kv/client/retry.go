package client

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/gee-project/gee/kv/proto/errorpb"
	"github.com/gee-project/gee/kv/proto/tinykvpb"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// result is what one attempt learned: a transport error, a region error, or the text of
// a server error.
type result struct {
	err       error
	regionErr *errorpb.Error
	serverErr string
}

type attemptFunc func(ctx context.Context, kv tinykvpb.TinyKvClient) result

// maxHintHops is how many NotLeader hints in a row the client follows without waiting:
// hints can be stale during an election, and two stale servers could bounce forever.
const maxHintHops = 3

// do runs attempt against the current server until it succeeds, fails for good, runs
// out of attempts or ctx ends.
func (c *Client) do(ctx context.Context, attempt attemptFunc) error {
	addr := c.target()
	delay := c.cfg.backoffBase
	hops := 0
	var last error
	for n := 1; ; n++ {
		r := c.try(ctx, addr, attempt)
		wait := true
		switch {
		case r.err == nil && r.regionErr == nil && r.serverErr == "":
			c.answered(addr)
			return nil
		case r.serverErr != "":
			return &ServerError{Addr: addr, Msg: r.serverErr}
		case r.err != nil:
			if ctx.Err() != nil {
				return fmt.Errorf("client: %w (last error from %s: %v)", ctx.Err(), addr, r.err)
			}
			if !retryableCode(status.Code(r.err)) {
				return fmt.Errorf("client: %s: %w", addr, r.err)
			}
			last = fmt.Errorf("client: %s: %w", addr, r.err)
			addr = c.after(addr)
		default:
			re := r.regionErr
			last = &RegionError{Err: re}
			switch {
			case re.GetNotLeader() != nil:
				if hint := re.GetNotLeader().GetLeaderAddress(); hint != "" && hint != addr && hops < maxHintHops {
					addr = c.follow(hint)
					hops++
					wait = false
				} else {
					addr = c.after(addr)
				}
			case re.GetServerIsBusy() != nil:
				if ms := re.GetServerIsBusy().GetBackoffMs(); ms > 0 {
					delay = max(delay, min(time.Duration(ms)*time.Millisecond, c.cfg.backoffMax))
				}
			case re.GetStaleCommand() != nil, re.GetTimeout() != nil:
			default:
				return last // RegionNotFound, EpochNotMatch, ...: the caller must refresh its routing
			}
		}
		if n >= c.cfg.maxAttempts {
			return fmt.Errorf("client: gave up after %d attempts: %w", n, last)
		}
		if !wait {
			continue
		}
		hops = 0
		if err := sleep(ctx, jitter(delay)); err != nil {
			return fmt.Errorf("client: %w (last error: %v)", err, last)
		}
		delay = min(2*delay, c.cfg.backoffMax)
	}
}

func (c *Client) try(ctx context.Context, addr string, attempt attemptFunc) result {
	cc, err := c.conn(addr)
	if err != nil {
		return result{err: status.Error(codes.Canceled, err.Error())}
	}
	actx, cancel := context.WithTimeout(ctx, c.cfg.attemptTimeout)
	defer cancel()
	return attempt(actx, tinykvpb.NewTinyKvClient(cc))
}

// retryableCode reports whether a gRPC failure may go away on another server or later.
func retryableCode(code codes.Code) bool {
	switch code {
	case codes.Unavailable, codes.DeadlineExceeded, codes.Aborted:
		return true
	}
	return false
}

func jitter(d time.Duration) time.Duration {
	return d/2 + rand.N(d/2+1)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
