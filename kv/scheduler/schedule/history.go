package schedule

import (
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gee-project/gee/kv/proto/schedulerpb"
)

// HistorySize is how many finished operators the controller remembers for listings.
const HistorySize = 256

// Operator outcomes as listed in schedulerpb.OperatorInfo.status.
const (
	StatusRunning   = "running"
	StatusSuccess   = "success"
	StatusTimeout   = "timeout"
	StatusCancelled = "cancelled" // stale, abandoned or removed by hand
	StatusReplaced  = "replaced"
)

// SourceAdmin is the source of operators made by AddOperator.
const SourceAdmin = "admin"

// opHistory is a ring of the last HistorySize finished operators.
type opHistory struct {
	mu   sync.Mutex
	ring [HistorySize]*schedulerpb.OperatorInfo
	next int // where the next record goes
	n    int // records held
}

func (h *opHistory) add(info *schedulerpb.OperatorInfo) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.ring[h.next] = info
	h.next = (h.next + 1) % HistorySize
	h.n = min(h.n+1, HistorySize)
}

// newestFirst returns the records, the last recorded first.
func (h *opHistory) newestFirst() []*schedulerpb.OperatorInfo {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]*schedulerpb.OperatorInfo, 0, h.n)
	for i := 1; i <= h.n; i++ {
		out = append(out, h.ring[(h.next-i+HistorySize)%HistorySize])
	}
	return out
}

// Source is what made the operator: "admin", the balance scheduler's name, or "replica-checker".
func (op *Operator) Source() string {
	switch {
	case op.source != "":
		return op.source
	case op.kind == KindReplica:
		return "replica-checker"
	}
	return op.desc
}

// Info describes the operator for listings; end zero means it is still running.
func (op *Operator) Info(status string, end time.Time) *schedulerpb.OperatorInfo {
	parts := make([]string, len(op.steps))
	for i, s := range op.steps {
		parts[i] = s.String()
	}
	info := &schedulerpb.OperatorInfo{RegionId: op.regionID, Kind: op.desc, Desc: strings.Join(parts, ", "),
		Status: status, StartUnixMs: op.created.UnixMilli(), Source: op.Source()}
	if !end.IsZero() {
		info.EndUnixMs = end.UnixMilli()
	}
	return info
}

// record notes that op left the controller with status.
func (oc *OperatorController) record(op *Operator, status string) {
	oc.history.add(op.Info(status, oc.now()))
}

// Listing returns the running operators and the last HistorySize finished ones, the latest started
// first (ties: the latest ended first, running before finished), at most limit of them (0: all).
func (oc *OperatorController) Listing(limit int) []*schedulerpb.OperatorInfo {
	var out []*schedulerpb.OperatorInfo
	for _, op := range oc.Operators() {
		out = append(out, op.Info(StatusRunning, time.Time{}))
	}
	out = append(out, oc.history.newestFirst()...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.StartUnixMs != b.StartUnixMs {
			return a.StartUnixMs > b.StartUnixMs
		}
		return endKey(a) > endKey(b)
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// endKey orders running operators (end 0) after every finished one's end.
func endKey(i *schedulerpb.OperatorInfo) int64 {
	if i.EndUnixMs == 0 {
		return 1<<63 - 1
	}
	return i.EndUnixMs
}
