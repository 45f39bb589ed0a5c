package main

import (
	"context"
	"os"
	"os/signal"
	"sync"
)

// exitInterrupted is the status of a piped session ended by Ctrl-C while
// it waited for input, as the shell reports a process killed by SIGINT.
const exitInterrupted = 130

// interrupter serves a piped session with one SIGINT handler: Ctrl-C
// cancels the evaluation in progress, or ends the session when none is.
// (Installing a handler per input, as interruptible does, cost more than
// evaluating a simple line.)
type interrupter struct {
	mu     sync.Mutex
	cancel context.CancelFunc // of the evaluation in progress, if any
	sigs   chan os.Signal
	done   chan struct{}
}

func newInterrupter(exit func(code int)) *interrupter {
	it := &interrupter{sigs: make(chan os.Signal, 1), done: make(chan struct{})}
	signal.Notify(it.sigs, os.Interrupt)
	go func() {
		for {
			select {
			case <-it.sigs:
				it.mu.Lock()
				cancel := it.cancel
				it.mu.Unlock()
				if cancel == nil {
					exit(exitInterrupted)
					return
				}
				cancel()
			case <-it.done:
				return
			}
		}
	}()
	return it
}

// run runs f with a context that Ctrl-C cancels while f runs.
func (it *interrupter) run(f func(ctx context.Context)) {
	ctx, cancel := context.WithCancel(context.Background())
	it.mu.Lock()
	it.cancel = cancel
	it.mu.Unlock()
	defer func() {
		it.mu.Lock()
		it.cancel = nil
		it.mu.Unlock()
		cancel()
	}()
	f(ctx)
}

// stop removes the handler.
func (it *interrupter) stop() {
	signal.Stop(it.sigs)
	close(it.done)
}
