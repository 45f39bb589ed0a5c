package server

import (
	"fmt"

	"github.com/gee-project/gee/kv/proto/raftserverpb"
	"github.com/gee-project/gee/kv/proto/tinykvpb"
)

// MaxBatchRaftMessages bounds the raft messages in one BatchRaft stream message (the
// transport sends at most 256). The bytes are already bounded by the gRPC receive limit.
const MaxBatchRaftMessages = 4096

// BatchRaft receives one store's raft messages, several per stream message, until it
// closes the stream or StopPeerStreams is called. Each message is validated and
// delivered on its own, exactly as on the Raft stream.
func (s *Server) BatchRaft(stream tinykvpb.TinyKv_BatchRaftServer) error {
	if s.raft == nil {
		return errStandalone
	}
	return s.servePeerStream(func() error {
		b, err := stream.Recv()
		if err == nil {
			_ = s.deliverBatch(b)
		}
		return err
	}, func() error { return stream.SendAndClose(&raftserverpb.Done{}) })
}

// deliverBatch delivers every message of b in order and returns how many were accepted.
// A batch over MaxBatchRaftMessages is dropped whole (a sender that breaks the bound is
// not one of ours); a refused message does not stop the rest.
func (s *Server) deliverBatch(b *raftserverpb.BatchRaftMessage) int {
	if n := len(b.GetMsgs()); n > MaxBatchRaftMessages {
		s.stats.raftRejected.Add(uint64(n))
		s.logf("server: dropped raft batch: %v", fmt.Errorf("%d messages exceed the limit of %d", n, MaxBatchRaftMessages))
		return 0
	}
	ok := 0
	for _, m := range b.GetMsgs() {
		if s.deliver(m) == nil {
			ok++
		}
	}
	return ok
}
