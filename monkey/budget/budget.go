// Package budget bounds a Monkey run, on either engine: a context
// (cancellation and deadline), a step budget and an allocation budget.
//
// Monkey has no loops, so all unbounded work goes through function calls: a
// step is one call of a Monkey function (or of a macro while expanding).
// Engines count steps with a countdown (Meter.Tick) and call Meter.Step only
// when it runs out, every CheckEvery steps at most, so the context is polled
// every few microseconds of running code and an unlimited run pays one
// decrement and one branch per call.
package budget

import (
	"context"
	"errors"
	"fmt"

	"github.com/gee-project/gee/monkey/object"
)

// Limits bound one run. The zero value means no limits.
type Limits struct {
	// MaxSteps ends the run with "step limit of N exceeded" at the call
	// after N function calls. 0: no limit.
	MaxSteps int64
	// MaxMem ends the run with "memory limit of N bytes exceeded" once the
	// arrays, strings and hashes the program creates add up to more than N
	// bytes, counted as ElementSize per array element allocated, one byte
	// per string byte and PairSize per hash pair. Memory is counted when it
	// is allocated, never given back: the budget bounds the run's total
	// allocation, which also bounds its live memory. 0: no limit.
	MaxMem int64
}

// The accounting sizes of MaxMem.
const (
	ElementSize = 16
	PairSize    = 64
)

// CheckEvery is the most steps an engine runs between two looks at the
// context.
const CheckEvery = 1024

// The errors a run ends with, as the cause of the *object.Error the engine
// returns (errors.Is works on it). Context errors are ctx.Err() itself.
var (
	ErrSteps  = errors.New("step limit exceeded")
	ErrMemory = errors.New("memory limit exceeded")
)

// Meter is the state of the limits of one run. It is not safe for
// concurrent use: each run has its own.
type Meter struct {
	// Tick is the number of steps the engine may take before it must call
	// Step. Engines decrement it inline.
	Tick int64

	ctx    context.Context
	done   <-chan struct{}
	grant  int64 // the steps Tick started from
	steps  int64 // steps granted before the current grant
	limits Limits
	mem    int64
}

// New returns a meter for a run under ctx (nil means no context) and l.
func New(ctx context.Context, l Limits) *Meter {
	m := &Meter{}
	m.Reset(ctx, l)
	return m
}

// Reset makes m a fresh meter for a run under ctx and l, so an engine can
// keep one meter across runs without allocating.
func (m *Meter) Reset(ctx context.Context, l Limits) {
	*m = Meter{ctx: ctx, limits: l}
	if ctx != nil {
		m.done = ctx.Done()
	}
	m.regrant()
}

// regrant gives the next batch of steps.
func (m *Meter) regrant() {
	m.grant = CheckEvery
	if m.limits.MaxSteps > 0 {
		m.grant = min(m.grant, m.limits.MaxSteps-m.steps)
	}
	m.Tick = m.grant
}

// Step is called when Tick has dropped below zero, for the step that did it.
// It fails when the step budget is spent or the context is done, and else
// grants the next batch (counting this step).
func (m *Meter) Step() *object.Error {
	m.steps += m.grant
	if m.limits.MaxSteps > 0 && m.steps >= m.limits.MaxSteps {
		m.Tick = -1 // stays exhausted if the engine goes on (Call after an error)
		m.steps = m.limits.MaxSteps - m.grant
		return &object.Error{Message: fmt.Sprintf("%v: %d steps", ErrSteps, m.limits.MaxSteps), Cause: ErrSteps}
	}
	if err := m.Err(); err != nil {
		m.steps -= m.grant
		m.Tick = -1
		return err
	}
	m.regrant()
	m.Tick-- // this step
	return nil
}

// Err reports whether the context is done, as the error the run ends with.
func (m *Meter) Err() *object.Error {
	if m.done == nil {
		return nil
	}
	select {
	case <-m.done:
	default:
		return nil
	}
	err := m.ctx.Err()
	msg := "run canceled"
	if errors.Is(err, context.DeadlineExceeded) {
		msg = "time limit exceeded"
	}
	return &object.Error{Message: msg + ": " + err.Error(), Cause: err}
}

// Alloc charges n bytes to the allocation budget.
func (m *Meter) Alloc(n int64) *object.Error {
	if m.limits.MaxMem <= 0 {
		return nil
	}
	m.mem += n
	if m.mem > m.limits.MaxMem {
		return &object.Error{Message: fmt.Sprintf("%v: %d bytes", ErrMemory, m.limits.MaxMem), Cause: ErrMemory}
	}
	return nil
}

// Limited reports whether an allocation budget is set, so engines can skip
// computing sizes when it is not.
func (m *Meter) Limited() bool { return m.limits.MaxMem > 0 }

// Unlimited returns a meter with no context and no limits.
func Unlimited() *Meter { return New(context.Background(), Limits{}) }
