package main

import (
	"context"
	"os"
	"os/signal"
	"sync"
)

// interrupter turns Ctrl-C (SIGINT) into the cancellation of the command running, so it
// returns to the prompt instead of ending the playground. With no command running, Ctrl-C
// closes idle (the piped shell then ends, as a shell reading a script would).
type interrupter struct {
	mu     sync.Mutex
	cancel context.CancelFunc // of the command running, if any
	sigs   chan os.Signal
	idle   chan struct{} // closed at a Ctrl-C while no command runs
	once   sync.Once
	done   chan struct{}
}

func newInterrupter() *interrupter {
	it := &interrupter{sigs: make(chan os.Signal, 1), idle: make(chan struct{}), done: make(chan struct{})}
	signal.Notify(it.sigs, os.Interrupt)
	go it.loop()
	return it
}

func (it *interrupter) loop() {
	for {
		select {
		case <-it.sigs:
			it.mu.Lock()
			cancel := it.cancel
			it.mu.Unlock()
			if cancel != nil {
				cancel()
			} else {
				it.once.Do(func() { close(it.idle) })
			}
		case <-it.done:
			return
		}
	}
}

// run runs f with a context that Ctrl-C cancels.
func (it *interrupter) run(ctx context.Context, f func(ctx context.Context)) {
	ctx, cancel := context.WithCancel(ctx)
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

// stop restores Ctrl-C's default action.
func (it *interrupter) stop() {
	signal.Stop(it.sigs)
	close(it.done)
}
