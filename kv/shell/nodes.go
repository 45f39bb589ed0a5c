package shell

import (
	"context"
	"fmt"
	"io"
)

func nodeCommands() []*command {
	return []*command{
		{name: "kill", form: "STORE", min: 1, max: 1, run: (*Shell).kill,
			brief: "crash store STORE (playground only)"},
		{name: "restart", form: "STORE", min: 1, max: 1, run: (*Shell).restart,
			brief: "start store STORE again on its data (playground only)"},
	}
}

// nodeJSON is the JSON answer of kill and restart.
type nodeJSON struct {
	StoreID uint64 `json:"store_id"`
	State   string `json:"state"` // "killed" or "restarted"
}

func (s *Shell) kill(_ context.Context, args []string) error {
	return s.node("kill", "killed", args[0], func(n Nodes, id uint64) error { return n.Kill(id) })
}

func (s *Shell) restart(_ context.Context, args []string) error {
	return s.node("restart", "restarted", args[0], func(n Nodes, id uint64) error { return n.Restart(id) })
}

func (s *Shell) node(cmd, state, arg string, do func(Nodes, uint64) error) error {
	id, err := parseID(cmd, "store id", arg)
	if err != nil {
		return err
	}
	if s.dry {
		return errDry
	}
	if s.cfg.Nodes == nil {
		return usagef("%s: only in the playground (tinykv playground), where the shell runs the stores", cmd)
	}
	if err := do(s.cfg.Nodes, id); err != nil {
		return clusterErr(cmd, err)
	}
	return s.emit(nodeJSON{StoreID: id, State: state}, func(w io.Writer) { fmt.Fprintf(w, "store %d %s\n", id, state) })
}
