//go:build unix

package interrupt

import (
	"context"
	"syscall"
	"testing"
	"time"
)

// A SIGINT cancels the Run in progress (the process survives); one with none in progress calls
// idle once.
func TestSIGINTCancelsRunOrCallsIdle(t *testing.T) {
	idle := make(chan struct{}, 2)
	c := New(func() { idle <- struct{}{} })
	defer c.Stop()
	var err error
	c.Run(context.Background(), func(ctx context.Context) {
		if e := syscall.Kill(syscall.Getpid(), syscall.SIGINT); e != nil {
			t.Fatal(e)
		}
		select {
		case <-ctx.Done():
			err = ctx.Err()
		case <-time.After(10 * time.Second):
		}
	})
	if err != context.Canceled {
		t.Fatalf("Run's context after SIGINT: %v, want canceled", err)
	}
	if len(idle) != 0 {
		t.Fatal("idle called while a Run was in progress")
	}
	for range 2 {
		_ = syscall.Kill(syscall.Getpid(), syscall.SIGINT)
	}
	select {
	case <-idle:
	case <-time.After(10 * time.Second):
		t.Fatal("idle not called for a SIGINT between runs")
	}
	time.Sleep(50 * time.Millisecond)
	if len(idle) != 0 {
		t.Fatal("idle called twice")
	}
}
