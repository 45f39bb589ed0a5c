package xclient

import (
	"context"
	"errors"
	"reflect"
	"time"
)

// Call invokes method on one server chosen by the selector, applying the
// fail mode and hedging. Failover waits the backoff before going round
// again once every server has been tried or has an open breaker.
func (x *XClient) Call(ctx context.Context, method string, args, reply any) error {
	tried := map[string]bool{}
	var last error
	var addr string
	for i := 0; i == 0 || i <= x.retries; i++ {
		if x.failMode == Retry && i > 0 {
			if err := sleep(ctx, x.backoffFor(i)); err != nil {
				return errors.Join(last, err)
			}
		} else {
			var err error
			if addr, err = x.pick(ctx, method, args, tried, i); err != nil {
				return errors.Join(last, err)
			}
		}
		last = x.callOnce(ctx, addr, method, args, reply, tried)
		if x.failMode == FailFast || !retryable(ctx, last) && !errors.Is(last, ErrBreakerOpen) {
			return last
		}
		tried[addr] = true
	}
	return last
}

func (x *XClient) backoffFor(attempt int) time.Duration {
	return x.backoff << min(attempt-1, 10)
}

// pick selects a server not yet tried; when none is left it waits the
// backoff and starts a new round over all servers.
func (x *XClient) pick(ctx context.Context, method string, args any, tried map[string]bool, attempt int) (string, error) {
	servers, err := x.candidates(ctx, tried)
	if err != nil && len(tried) > 0 {
		if err := sleep(ctx, x.backoffFor(attempt)); err != nil {
			return "", err
		}
		clear(tried)
		servers, err = x.candidates(ctx, tried)
	}
	if err != nil {
		return "", err
	}
	return x.selector.Select(ctx, method, args, servers).Addr, nil
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

// callOnce calls addr, hedging to a second server if configured.
func (x *XClient) callOnce(ctx context.Context, addr, method string, args, reply any, tried map[string]bool) error {
	if x.hedge <= 0 {
		return x.attempt(ctx, addr, method, args, reply)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		reply any
		err   error
	}
	results := make(chan result, 2)
	launch := func(a string) {
		r := newReply(reply)
		go func() { results <- result{r, x.attempt(ctx, a, method, args, r)} }()
	}
	launch(addr)
	timer := time.NewTimer(x.hedge)
	defer timer.Stop()
	running := 1
	var last error
	for running > 0 {
		select {
		case <-timer.C:
			skip := map[string]bool{addr: true}
			for a := range tried {
				skip[a] = true
			}
			if servers, err := x.candidates(ctx, skip); err == nil {
				launch(x.selector.Select(ctx, method, args, servers).Addr)
				running++
			}
		case r := <-results:
			running--
			if r.err == nil {
				setReply(reply, r.reply)
				return nil
			}
			last = r.err
		}
	}
	return last
}

// newReply makes a fresh value of reply's pointed-to type, so concurrent
// attempts never write the caller's reply at the same time.
func newReply(reply any) any {
	if reply == nil {
		return nil
	}
	return reflect.New(reflect.TypeOf(reply).Elem()).Interface()
}

func setReply(dst, src any) {
	if dst != nil {
		reflect.ValueOf(dst).Elem().Set(reflect.ValueOf(src).Elem())
	}
}
