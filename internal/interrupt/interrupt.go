// Package interrupt turns Ctrl-C (SIGINT) into the cancellation of the work in progress, so a
// REPL or shell returns to its prompt instead of ending. The Monkey REPL and the TinyKV
// playground shell use it.
package interrupt

import (
	"context"
	"os"
	"os/signal"
	"sync"
)

// Catcher holds one SIGINT handler: a Ctrl-C cancels the context of the Run in progress, or,
// with none in progress, calls idle (once).
type Catcher struct {
	mu     sync.Mutex
	cancel context.CancelFunc // of the Run in progress, if any
	idle   func()
	once   sync.Once
	sigs   chan os.Signal
	done   chan struct{}
}

// New installs the handler; idle (nil: nothing) runs at a Ctrl-C while no Run is in progress.
// Stop removes it.
func New(idle func()) *Catcher {
	c := &Catcher{idle: idle, sigs: make(chan os.Signal, 1), done: make(chan struct{})}
	signal.Notify(c.sigs, os.Interrupt)
	go c.loop()
	return c
}

func (c *Catcher) loop() {
	for {
		select {
		case <-c.sigs:
			c.mu.Lock()
			cancel := c.cancel
			c.mu.Unlock()
			if cancel != nil {
				cancel()
			} else if c.idle != nil {
				c.once.Do(c.idle)
			}
		case <-c.done:
			return
		}
	}
}

// Run runs f with a context derived from ctx that a Ctrl-C cancels.
func (c *Catcher) Run(ctx context.Context, f func(ctx context.Context)) {
	ctx, cancel := context.WithCancel(ctx)
	c.mu.Lock()
	c.cancel = cancel
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.cancel = nil
		c.mu.Unlock()
		cancel()
	}()
	f(ctx)
}

// Stop removes the handler: Ctrl-C has its default action again.
func (c *Catcher) Stop() {
	signal.Stop(c.sigs)
	close(c.done)
}

// Do runs f with a context that a Ctrl-C cancels, with the handler installed only meanwhile
// (for a terminal line editor, which reads Ctrl-C as a key between commands).
func Do(ctx context.Context, f func(ctx context.Context)) {
	c := New(nil)
	defer c.Stop()
	c.Run(ctx, f)
}
