package rpc

import (
	"context"
	"reflect"
)

// job is one decoded call waiting for a goroutine.
type job struct {
	sc     *serverConn
	m      *methodType
	argp   reflect.Value
	ctx    context.Context
	cancel context.CancelFunc
	seq    uint64
}

// maxIdleWorkers bounds how many finished workers stay parked for reuse.
const maxIdleWorkers = 512

// run hands j to an idle worker, or starts a new one. Reusing goroutines
// keeps their already grown stacks: reflect.Call needs deep ones, and
// growing a fresh stack per call was a measurable cost.
func (s *Server) run(j job) {
	select {
	case s.jobs <- j:
	default:
		go s.worker(j)
	}
}

// worker runs j, then parks for more work unless enough workers already
// wait; parked workers exit when the server closes.
func (s *Server) worker(j job) {
	for {
		j.sc.finish(&j)
		if s.idle.Add(1) > maxIdleWorkers {
			s.idle.Add(-1)
			return
		}
		select {
		case j = <-s.jobs:
			s.idle.Add(-1)
		case <-s.done:
			s.idle.Add(-1)
			return
		}
	}
}
