package cluster

import (
	"sync"
	"time"

	"github.com/anishathalye/porcupine"
)

// OpKind is the kind of a recorded operation.
type OpKind uint8

// Operation kinds.
const (
	OpGet OpKind = iota + 1
	OpPut
	OpDelete
	OpScan
)

// Input is what a client asked for. Part names the model partition the operation belongs
// to: the key itself for single-key workloads, or a prefix that contains every key (and
// every scan range) the operation touches.
type Input struct {
	Kind  OpKind
	Part  string
	Key   string
	Value string // OpPut
	End   string // OpScan: exclusive end; "" means the end of Part's range
	Limit int    // OpScan: 0 means no limit
}

// KV is one key and its value.
type KV struct{ Key, Value string }

// Output is what a client got back.
type Output struct {
	Found   bool   // OpGet
	Value   string // OpGet
	Pairs   []KV   // OpScan
	Unknown bool   // the operation failed ambiguously: it may or may not have taken effect
}

// History records operations with their call and return times, safe for concurrent use.
type History struct {
	mu    sync.Mutex
	start time.Time
	ops   []porcupine.Operation
	open  int // operations begun and not yet finished
}

// NewHistory returns an empty history whose clock starts now.
func NewHistory() *History { return &History{start: time.Now()} }

// Pending is an operation that has been called and has not returned.
type Pending struct {
	h      *History
	client int
	in     Input
	call   int64
}

// Begin records the call of in by client (a small non-negative number).
func (h *History) Begin(client int, in Input) *Pending {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.open++
	return &Pending{h: h, client: client, in: in, call: h.now()}
}

func (h *History) now() int64 { return int64(time.Since(h.start)) }

// Ok records that the operation returned out.
func (p *Pending) Ok(out Output) { p.finish(out, false) }

// Unknown records that the operation failed ambiguously: a write is then modelled as
// possibly applied at any time after its call (its return is pushed past the end of the
// history); a read that failed is dropped, as it had no effect.
func (p *Pending) Unknown() {
	if p.in.Kind == OpGet || p.in.Kind == OpScan {
		p.Fail()
		return
	}
	p.finish(Output{Unknown: true}, true)
}

// Fail records that the operation certainly had no effect (it was refused before being
// proposed); it is left out of the history.
func (p *Pending) Fail() {
	p.h.mu.Lock()
	p.h.open--
	p.h.mu.Unlock()
}

// unknownReturn marks a return time to be replaced by "after everything" when checking.
const unknownReturn = -1

func (p *Pending) finish(out Output, unknown bool) {
	h := p.h
	h.mu.Lock()
	defer h.mu.Unlock()
	h.open--
	ret := h.now()
	if unknown {
		ret = unknownReturn
	}
	h.ops = append(h.ops, porcupine.Operation{ClientId: p.client, Input: p.in, Call: p.call, Output: out, Return: ret})
}

// Operations returns a copy of the recorded operations, with the returns of ambiguous ones
// placed after every other event.
func (h *History) Operations() []porcupine.Operation {
	h.mu.Lock()
	defer h.mu.Unlock()
	ops := make([]porcupine.Operation, len(h.ops))
	copy(ops, h.ops)
	var last int64
	for _, op := range ops {
		last = max(last, op.Call, op.Return)
	}
	for i := range ops {
		if ops[i].Return == unknownReturn {
			ops[i].Return = last + 1
		}
	}
	return ops
}

// Len returns how many operations were recorded, and how many of them were ambiguous.
func (h *History) Len() (total, unknown int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, op := range h.ops {
		if op.Return == unknownReturn {
			unknown++
		}
	}
	return len(h.ops), unknown
}
