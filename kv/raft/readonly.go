package raft

import pb "github.com/gee-project/gee/kv/raft/raftpb"

// ReadState answers a ReadIndex request: once the application has applied
// up to Index, a read for RequestCtx is linearizable.
type ReadState struct {
	Index      uint64
	RequestCtx []byte
}

type readIndexStatus struct {
	req   *pb.Message
	index uint64
	acks  map[uint64]bool
}

// readOnly tracks ReadIndex requests awaiting a heartbeat quorum, in order.
type readOnly struct {
	pending map[string]*readIndexStatus
	queue   []string
}

func newReadOnly() *readOnly {
	return &readOnly{pending: map[string]*readIndexStatus{}}
}

// addRequest records a read at commit index for m's context.
func (ro *readOnly) addRequest(index uint64, m *pb.Message) {
	ctx := string(m.Entries[0].Data)
	if _, ok := ro.pending[ctx]; ok {
		return
	}
	ro.pending[ctx] = &readIndexStatus{req: m, index: index, acks: map[uint64]bool{}}
	ro.queue = append(ro.queue, ctx)
}

// recvAck records a heartbeat acknowledgement carrying ctx and returns
// who acknowledged it so far (nil for an unknown ctx).
func (ro *readOnly) recvAck(id uint64, ctx []byte) map[uint64]bool {
	rs, ok := ro.pending[string(ctx)]
	if !ok {
		return nil
	}
	rs.acks[id] = true
	return rs.acks
}

// advance dequeues every request up to and including ctx: a quorum
// confirming a later heartbeat confirms the earlier ones too.
func (ro *readOnly) advance(ctx []byte) []*readIndexStatus {
	key := string(ctx)
	for i, k := range ro.queue {
		if k != key {
			continue
		}
		out := make([]*readIndexStatus, 0, i+1)
		for _, k := range ro.queue[:i+1] {
			out = append(out, ro.pending[k])
			delete(ro.pending, k)
		}
		ro.queue = ro.queue[i+1:]
		return out
	}
	return nil
}

// handleReadIndex serves a read as leader: record the commit index, then
// confirm leadership with a heartbeat round (Raft thesis §6.4).
func (r *raft) handleReadIndex(m *pb.Message) {
	if len(m.Entries) != 1 || len(m.Entries[0].GetData()) == 0 {
		r.logger.Errorf("raft: %x got MsgReadIndex without a context from %x; ignored", r.id, m.From)
		return
	}
	if r.singleVoter() {
		r.respondReadIndex(m, r.raftLog.committed)
		return
	}
	if !r.committedEntryInCurrentTerm() {
		// Our commit index may be stale until our no-op commits.
		r.pendingReadIndex = append(r.pendingReadIndex, m)
		return
	}
	r.startReadIndex(m)
}

// startReadIndex answers from the lease when it holds, else starts the
// heartbeat round of the safe path.
func (r *raft) startReadIndex(m *pb.Message) {
	if r.leaseValid() {
		r.respondReadIndex(m, r.raftLog.committed)
		return
	}
	ctx := m.Entries[0].Data
	r.readOnly.addRequest(r.raftLog.committed, m)
	r.readOnly.recvAck(r.id, ctx)
	r.bcastHeartbeat(ctx)
}

// releasePendingReadIndex starts reads queued before our first commit.
func (r *raft) releasePendingReadIndex() {
	if len(r.pendingReadIndex) == 0 || !r.committedEntryInCurrentTerm() {
		return
	}
	for _, m := range r.pendingReadIndex {
		r.startReadIndex(m)
	}
	r.pendingReadIndex = nil
}

func (r *raft) respondReadIndex(req *pb.Message, index uint64) {
	if req.From == None || req.From == r.id {
		r.readStates = append(r.readStates, ReadState{Index: index, RequestCtx: req.Entries[0].Data})
		return
	}
	r.send(&pb.Message{To: req.From, Type: pb.MessageType_MsgReadIndexResp, Index: index,
		Entries: req.Entries})
}

// singleVoter reports whether this node alone decides (one voter, not
// joint): reads need no heartbeat round.
func (r *raft) singleVoter() bool {
	v := r.conf.voters
	return len(v[0]) == 1 && v[0][0] == r.id && len(v[1]) == 0
}
