package schedclient

import (
	"context"
	"errors"
	"fmt"

	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
)

const logicalBits = 18

// PhysicalMs returns the physical part of a TSO timestamp, in milliseconds: lock TTLs are
// counted on it.
func PhysicalMs(ts uint64) uint64 { return ts >> logicalBits }

type tsoResult struct {
	ts  uint64
	err error
}

type tsoWaiter struct {
	ctx  context.Context
	done chan tsoResult // buffered: the batcher never blocks on a caller that left
}

var errClosed = errors.New("schedclient: closed")

// GetTS returns a timestamp (physical ms << 18 | logical) greater than every timestamp the
// scheduler handed out before this call began. Concurrent calls are batched into one request
// on one TSO stream.
func (c *Client) GetTS(ctx context.Context) (uint64, error) {
	c.tsoOnce.Do(func() {
		c.tsoReqs = make(chan *tsoWaiter, c.cfg.maxTSOBatch)
		c.wg.Add(1)
		go c.tsoLoop()
	})
	w := &tsoWaiter{ctx: ctx, done: make(chan tsoResult, 1)}
	select {
	case c.tsoReqs <- w:
	case <-ctx.Done():
		return 0, ctx.Err()
	case <-c.ctx.Done():
		return 0, errClosed
	}
	select {
	case r := <-w.done:
		return r.ts, r.err
	case <-ctx.Done():
		return 0, ctx.Err()
	case <-c.ctx.Done():
		return 0, errClosed
	}
}

// tsoLoop takes whatever callers are waiting, asks for that many timestamps at once, and hands
// them out in order. A broken stream is reopened (with backoff) and the batch asked again.
func (c *Client) tsoLoop() {
	defer c.wg.Done()
	var stream pb.Scheduler_TsoClient
	var addr string
	delay := c.cfg.backoffBase
	for {
		var batch []*tsoWaiter
		select {
		case w := <-c.tsoReqs:
			batch = append(batch, w)
		case <-c.ctx.Done():
			return
		}
	drain:
		for len(batch) < c.cfg.maxTSOBatch {
			select {
			case w := <-c.tsoReqs:
				batch = append(batch, w)
			default:
				break drain
			}
		}
		for {
			batch = live(batch)
			if len(batch) == 0 {
				break
			}
			if stream == nil {
				cli, a, err := c.client()
				if err == nil {
					addr = a
					stream, err = cli.Tso(c.ctx)
				}
				if err != nil {
					stream = nil
					if delay, err = c.backoff(c.ctx, delay); err != nil {
						fail(batch, err)
						return
					}
					continue
				}
			}
			resp, err := c.tsoRoundTrip(stream, len(batch))
			if err == nil {
				delay = c.cfg.backoffBase
				deliver(batch, resp)
				break
			}
			var he *Error
			if errors.As(err, &he) && he.Type != pb.ErrorType_UNAVAILABLE {
				fail(batch, err)
				break
			}
			if !errors.As(err, &he) {
				_ = stream.CloseSend()
				stream = nil
				c.failed(addr)
			}
			if delay, err = c.backoff(c.ctx, delay); err != nil {
				fail(batch, err)
				return
			}
		}
	}
}

func (c *Client) tsoRoundTrip(stream pb.Scheduler_TsoClient, n int) (*pb.TsoResponse, error) {
	if err := stream.Send(&pb.TsoRequest{Header: c.header(), Count: uint32(n)}); err != nil {
		return nil, err
	}
	resp, err := stream.Recv()
	if err != nil {
		return nil, err
	}
	c.clusterID.CompareAndSwap(0, resp.GetHeader().GetClusterId())
	if he := headerError(resp.GetHeader()); he != nil {
		return nil, he
	}
	if resp.GetCount() != uint32(n) || resp.GetTimestamp().GetLogical() < int64(n) {
		return nil, &Error{Type: pb.ErrorType_UNKNOWN, Msg: fmt.Sprintf("TSO answer for %d timestamps has count %d, logical %d",
			n, resp.GetCount(), resp.GetTimestamp().GetLogical())}
	}
	return resp, nil
}

// live drops waiters whose callers have given up.
func live(batch []*tsoWaiter) []*tsoWaiter {
	out := batch[:0]
	for _, w := range batch {
		if w.ctx.Err() == nil {
			out = append(out, w)
		}
	}
	return out
}

// deliver hands the n consecutive timestamps ending at resp.timestamp to the batch, in order.
func deliver(batch []*tsoWaiter, resp *pb.TsoResponse) {
	ts := resp.GetTimestamp()
	first := ts.GetLogical() - int64(len(batch)) + 1
	for i, w := range batch {
		w.done <- tsoResult{ts: uint64(ts.GetPhysical())<<logicalBits | uint64(first+int64(i))}
	}
}

func fail(batch []*tsoWaiter, err error) {
	for _, w := range batch {
		w.done <- tsoResult{err: err}
	}
}
