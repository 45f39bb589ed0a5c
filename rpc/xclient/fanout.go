package xclient

import (
	"context"
	"errors"
	"sync"
)

// Broadcast calls method on every server; it fails with the first error
// (cancelling the rest) and otherwise sets reply from one of the servers.
func (x *XClient) Broadcast(ctx context.Context, method string, args, reply any) error {
	return x.fanout(ctx, method, args, reply, false)
}

// Fork calls method on every server; the first success wins and cancels
// the rest. If all fail, the errors are joined.
func (x *XClient) Fork(ctx context.Context, method string, args, reply any) error {
	return x.fanout(ctx, method, args, reply, true)
}

func (x *XClient) fanout(ctx context.Context, method string, args, reply any, firstSuccess bool) error {
	servers, err := x.candidates(ctx, nil)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu      sync.Mutex
		wg      sync.WaitGroup
		done    bool
		errs    []error
		replied bool
	)
	for _, s := range servers {
		wg.Add(1)
		go func(addr string) {
			defer wg.Done()
			r := newReply(reply)
			err := x.attempt(ctx, addr, method, args, r)
			mu.Lock()
			defer mu.Unlock()
			if done {
				return
			}
			switch {
			case err != nil && !firstSuccess:
				errs, done = append(errs, err), true
				cancel()
			case err != nil:
				errs = append(errs, err)
			case firstSuccess || !replied:
				setReply(reply, r)
				replied = true
				if firstSuccess {
					done = true
					cancel()
				}
			}
		}(s.Addr)
	}
	wg.Wait()
	if replied && (firstSuccess || len(errs) == 0) {
		return nil
	}
	return errors.Join(errs...)
}
