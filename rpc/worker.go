package rpc

import (
	"context"
	"reflect"
	"time"
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

// workerIdle is how long a worker goroutine waits for more work.
const workerIdle = 2 * time.Second

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

func (s *Server) worker(j job) {
	j.sc.finish(&j)
	t := time.NewTimer(workerIdle)
	defer t.Stop()
	for {
		select {
		case j = <-s.jobs:
			j.sc.finish(&j)
			t.Reset(workerIdle)
		case <-t.C:
			return
		}
	}
}
