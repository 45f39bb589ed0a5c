package shell

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/gee-project/gee/kv/proto/schedulerpb"
)

// OperatorAdmin is the scheduler's operator API: each call asks for one operator on a region
// and returns it as created; Operators lists running and recently finished ones, newest first.
type OperatorAdmin interface {
	TransferLeader(ctx context.Context, regionID, storeID uint64) (*schedulerpb.OperatorInfo, error)
	AddPeer(ctx context.Context, regionID, storeID uint64) (*schedulerpb.OperatorInfo, error)
	RemovePeer(ctx context.Context, regionID, storeID uint64) (*schedulerpb.OperatorInfo, error)
	Operators(ctx context.Context, limit int) ([]*schedulerpb.OperatorInfo, error)
}

// Operators listing bounds: the default count and the most the scheduler keeps.
const (
	defaultOperators = 20
	maxOperators     = 256
)

// operatorFunc is the OperatorAdmin method of an operator kind, or nil for an unknown kind.
func operatorFunc(a OperatorAdmin, kind string) func(context.Context, uint64, uint64) (*schedulerpb.OperatorInfo, error) {
	switch kind {
	case "add-peer":
		return a.AddPeer
	case "remove-peer":
		return a.RemovePeer
	case "transfer-leader":
		return a.TransferLeader
	}
	return nil
}

func operatorCommands() []*command {
	return []*command{
		{name: "operator", form: "KIND REGION STORE", min: 3, max: 3, run: (*Shell).operator,
			brief:  "KIND add-peer, remove-peer or transfer-leader: REGION's replica on STORE",
			detail: "add-peer adds a replica of REGION on STORE, remove-peer removes it, transfer-leader moves the\nleadership to it. The scheduler starts the operator and this prints it; it runs in the\nbackground: watch it with operators."},
		{name: "transfer-leader", form: "REGION STORE", min: 2, max: 2, run: (*Shell).transferLeader,
			brief: "move REGION's leadership to its replica on STORE"},
		{name: "operators", form: "[LIMIT]", min: 0, max: 1, run: (*Shell).operators,
			brief:  "list running and recently finished operators, newest first",
			detail: fmt.Sprintf("LIMIT is at most %d; the default is %d.", maxOperators, defaultOperators)},
	}
}

func (s *Shell) transferLeader(ctx context.Context, args []string) error {
	return s.addOperator(ctx, "transfer-leader", "transfer-leader", args)
}

func (s *Shell) operator(ctx context.Context, args []string) error {
	if k := args[0]; k != "add-peer" && k != "remove-peer" && k != "transfer-leader" {
		return usagef("operator: unknown kind %q, want add-peer, remove-peer or transfer-leader", args[0])
	}
	return s.addOperator(ctx, "operator "+args[0], args[0], args[1:])
}

// addOperator parses REGION STORE and asks for the operator of kind; cmd names errors.
func (s *Shell) addOperator(ctx context.Context, cmd, kind string, args []string) error {
	region, err := parseID(cmd, "region id", args[0])
	if err != nil {
		return err
	}
	store, err := parseID(cmd, "store id", args[1])
	if err != nil {
		return err
	}
	a, err := s.admin(cmd)
	if err != nil {
		return err
	}
	op, err := operatorFunc(a, kind)(ctx, region, store)
	if err != nil {
		return clusterErr(cmd, err)
	}
	return s.emit(newOperatorJSON(op), func(w io.Writer) {
		fmt.Fprintf(w, "operator %s on region %d: %s (%s)\n", op.GetKind(), op.GetRegionId(), op.GetDesc(), op.GetStatus())
	})
}

func (s *Shell) operators(ctx context.Context, args []string) error {
	limit, err := parseLimit("operators", args, 0, defaultOperators, maxOperators)
	if err != nil {
		return err
	}
	a, err := s.admin("operators")
	if err != nil {
		return err
	}
	ops, err := a.Operators(ctx, limit)
	if err != nil {
		return clusterErr("operators", err)
	}
	out := make([]operatorJSON, len(ops))
	for i, op := range ops {
		out[i] = newOperatorJSON(op)
	}
	return s.emit(out, func(w io.Writer) {
		fmt.Fprintln(w, "REGION\tKIND\tSTATUS\tSOURCE\tSTART (UTC)\tTOOK\tSTEPS")
		for _, op := range ops {
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", op.GetRegionId(), op.GetKind(), op.GetStatus(), op.GetSource(),
				clock(op.GetStartUnixMs()), took(op.GetStartUnixMs(), op.GetEndUnixMs()), op.GetDesc())
		}
	})
}

// operatorJSON is an operator in JSON output.
type operatorJSON struct {
	RegionID    uint64 `json:"region_id"`
	Kind        string `json:"kind"`
	Desc        string `json:"desc"`
	Status      string `json:"status"`
	StartUnixMs int64  `json:"start_unix_ms"`
	EndUnixMs   int64  `json:"end_unix_ms"` // 0 while running
	Source      string `json:"source"`
}

func newOperatorJSON(op *schedulerpb.OperatorInfo) operatorJSON {
	return operatorJSON{RegionID: op.GetRegionId(), Kind: op.GetKind(), Desc: op.GetDesc(), Status: op.GetStatus(),
		StartUnixMs: op.GetStartUnixMs(), EndUnixMs: op.GetEndUnixMs(), Source: op.GetSource()}
}

// clock is a Unix millisecond time of day in UTC, or "-" for none.
func clock(ms int64) string {
	if ms <= 0 {
		return "-"
	}
	return time.UnixMilli(ms).UTC().Format("15:04:05.000")
}

// took is how long an operator ran, or "-" while it runs.
func took(start, end int64) string {
	if end <= 0 || start <= 0 || end < start {
		return "-"
	}
	return (time.Duration(end-start) * time.Millisecond).String()
}
