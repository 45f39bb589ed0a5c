package schedclient

import (
	"context"
	"fmt"

	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
	"google.golang.org/grpc/status"
)

type withHeader interface{ GetHeader() *pb.ResponseHeader }

// call runs one unary RPC with retries: transport failures and UNAVAILABLE answers are retried
// with backoff (next address) until maxAttempts or ctx; any other answer is returned.
func call[R withHeader](ctx context.Context, c *Client, rpc func(ctx context.Context, cli pb.SchedulerClient) (R, error)) (R, error) {
	var zero R
	delay := c.cfg.backoffBase
	var last error
	for n := 1; ; n++ {
		cli, addr, err := c.client()
		if err != nil {
			return zero, err
		}
		actx, cancel := context.WithTimeout(ctx, c.cfg.attemptTimeout)
		resp, err := rpc(actx, cli)
		cancel()
		switch {
		case err == nil:
			c.clusterID.CompareAndSwap(0, resp.GetHeader().GetClusterId())
			he := headerError(resp.GetHeader())
			if he == nil {
				return resp, nil
			}
			if he.Type != pb.ErrorType_UNAVAILABLE {
				return resp, he
			}
			last = he
		case ctx.Err() != nil:
			return zero, fmt.Errorf("schedclient: %w (last error from %s: %v)", ctx.Err(), addr, err)
		case !retryableCode(status.Code(err)):
			return zero, fmt.Errorf("schedclient: %s: %w", addr, err)
		default:
			last = fmt.Errorf("schedclient: %s: %w", addr, err)
			c.failed(addr)
		}
		if n >= c.cfg.maxAttempts {
			return zero, fmt.Errorf("schedclient: gave up after %d attempts: %w", n, last)
		}
		if delay, err = c.backoff(ctx, delay); err != nil {
			return zero, fmt.Errorf("schedclient: %w (last error: %v)", err, last)
		}
	}
}
