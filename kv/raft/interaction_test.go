package raft

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	pb "github.com/gee-project/gee/kv/raft/raftpb"
)

// TestInteractions runs the scenarios in testdata/*.txt. Each line is a
// command on a synchronous network of raft nodes (messages are delivered
// until quiet after every command) or an expectation:
//
//	cluster N [prevote] [checkquorum] [hibernate]   start nodes 1..N
//	campaign ID | propose ID DATA | tick ID N | tick-all N
//	isolate ID | recover | transfer FROM-LEADER TO | read-index ID CTX
//	remove-node ID / add-node ID / add-learner ID / promote ID
//	joint [explicit] +ID -ID ...  (one ConfChangeV2) | leave-joint
//	    (conf changes are applied on every node, then messages delivered)
//	drop ID TYPE   (lose messages of TYPE, e.g. MsgHibernate, sent to ID)
//	wake ID        (RawNode.Wake: the host saw a store go down)
//	expect state ID leader|follower|candidate|precandidate
//	expect term ID T | expect commit ID C | expect lead ID L
//	expect log ID T,T,...   (terms from index 2)
//	expect read ID CTX INDEX
//	expect voters|outgoing|learners ID 1,2,3 (or -)
//	expect hibernated ID true|false
func TestInteractions(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) { runScenario(t, f) })
	}
}

type scenario struct {
	t     *testing.T
	peers []*raft
	nw    *network
	reads map[uint64][]ReadState
}

func runScenario(t *testing.T, path string) {
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	s := &scenario{t: t, reads: map[uint64][]ReadState{}}
	sc := bufio.NewScanner(fh)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if i := strings.Index(text, "#"); i >= 0 {
			text = strings.TrimSpace(text[:i])
		}
		if text == "" {
			continue
		}
		if err := s.run(strings.Fields(text)); err != nil {
			t.Fatalf("%s:%d: %s: %v", path, line, text, err)
		}
		s.applyCommitted()
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}

func atoiArgs(args []string) ([]uint64, error) {
	out := make([]uint64, len(args))
	for i, a := range args {
		v, err := strconv.ParseUint(a, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("argument %d: %q is not a number", i+1, a)
		}
		out[i] = v
	}
	return out, nil
}

func (s *scenario) node(id uint64) (*raft, error) {
	if id == 0 || id > uint64(len(s.peers)) {
		return nil, fmt.Errorf("no node %d", id)
	}
	return s.peers[id-1], nil
}

func (s *scenario) run(f []string) error {
	cmd, args := f[0], f[1:]
	if cmd == "cluster" {
		return s.cluster(args)
	}
	if s.nw == nil {
		return fmt.Errorf("%s before cluster", cmd)
	}
	if cmd == "expect" {
		if len(args) < 3 {
			return fmt.Errorf("expect needs WHAT ID VALUE")
		}
		return s.expect(args[0], args[1:])
	}
	if cmd == "recover" {
		s.nw.recover()
		return nil
	}
	if cmd == "joint" || cmd == "leave-joint" {
		return s.joint(cmd, args)
	}
	if cmd == "drop" {
		return s.drop(args)
	}
	if len(args) == 0 {
		return fmt.Errorf("%s needs arguments", cmd)
	}
	return s.act(cmd, args)
}

func (s *scenario) cluster(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("cluster needs a size")
	}
	n, err := strconv.Atoi(args[0])
	if err != nil || n < 1 {
		return fmt.Errorf("bad cluster size %q", args[0])
	}
	opts := args[1:]
	s.peers = newPeers(s.t, n, func(c *Config) {
		c.PreVote = slices.Contains(opts, "prevote")
		c.CheckQuorum = slices.Contains(opts, "checkquorum")
		c.Hibernate = slices.Contains(opts, "hibernate")
	})
	s.nw = newNetwork(s.peers...)
	return nil
}

func (s *scenario) act(cmd string, args []string) error {
	if cmd == "propose" || cmd == "read-index" {
		return s.actWithData(cmd, args)
	}
	ids, err := atoiArgs(args)
	if err != nil {
		return err
	}
	if cmd != "tick-all" {
		if _, err := s.node(ids[0]); err != nil {
			return err
		}
	}
	if err := s.actOnNodes(cmd, ids); err != nil {
		return err
	}
	s.collectReads()
	return nil
}

// actWithData runs commands whose second argument is a string.
func (s *scenario) actWithData(cmd string, args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("%s needs ID DATA", cmd)
	}
	ids, err := atoiArgs(args[:1])
	if err != nil {
		return err
	}
	if _, err := s.node(ids[0]); err != nil {
		return err
	}
	if cmd == "propose" {
		s.nw.propose(s.t, ids[0], args[1])
		return nil
	}
	s.nw.send(s.t, &pb.Message{From: ids[0], To: ids[0], Type: pb.MessageType_MsgReadIndex,
		Entries: []*pb.Entry{{Data: []byte(args[1])}}})
	s.collectReads()
	return nil
}

// actOnNodes runs commands whose arguments are all numbers.
func (s *scenario) actOnNodes(cmd string, ids []uint64) error {
	switch cmd {
	case "campaign":
		s.nw.campaign(s.t, ids[0])
	case "isolate":
		s.nw.isolate(ids[0])
	case "tick":
		if len(ids) != 2 {
			return fmt.Errorf("tick needs ID N")
		}
		s.nw.tick(s.t, ids[0], int(ids[1]))
	case "tick-all":
		s.nw.tickAll(s.t, int(ids[0]))
	case "transfer":
		if len(ids) != 2 {
			return fmt.Errorf("transfer needs VIA TO")
		}
		s.nw.send(s.t, &pb.Message{From: ids[1], To: ids[0], Type: pb.MessageType_MsgTransferLeader})
	case "add-node", "remove-node", "add-learner", "promote":
		typ := map[string]pb.ConfChangeType{"add-node": pb.ConfChangeType_ConfChangeAddNode,
			"remove-node": pb.ConfChangeType_ConfChangeRemoveNode,
			"add-learner": pb.ConfChangeType_ConfChangeAddLearnerNode,
			"promote":     pb.ConfChangeType_ConfChangePromoteLearner}[cmd]
		s.applyEverywhere(confChangeV2Of(&pb.ConfChange{Type: typ, NodeId: ids[0]}))
	case "wake":
		s.peers[ids[0]-1].wake()
		s.nw.send(s.t, s.nw.filter(s.peers[ids[0]-1].readMessages())...)
	default:
		return fmt.Errorf("unknown command %q", cmd)
	}
	return nil
}

func (s *scenario) collectReads() {
	for _, p := range s.peers {
		s.reads[p.id] = append(s.reads[p.id], p.readStates...)
		p.readStates = nil
	}
}

func (s *scenario) expect(what string, args []string) error {
	ids, err := atoiArgs(args[:1])
	if err != nil {
		return err
	}
	r, err := s.node(ids[0])
	if err != nil {
		return err
	}
	got, want := "", strings.Join(args[1:], " ")
	switch what {
	case "state":
		got = strings.ToLower(strings.TrimPrefix(r.state.String(), "State"))
	case "term":
		got = strconv.FormatUint(r.Term, 10)
	case "commit":
		got = strconv.FormatUint(r.raftLog.committed, 10)
	case "lead":
		got = strconv.FormatUint(r.lead, 10)
	case "log":
		var parts []string
		for _, term := range logTerms(s.t, r, 2) {
			parts = append(parts, strconv.FormatUint(term, 10))
		}
		got = strings.Join(parts, ",")
	case "voters", "outgoing", "learners":
		ids := map[string][]uint64{"voters": r.conf.voters[0], "outgoing": r.conf.voters[1],
			"learners": r.conf.learners}[what]
		got = joinIDs(ids)
	case "hibernated":
		got = strconv.FormatBool(r.hibernated)
	case "read":
		for _, rs := range s.reads[r.id] {
			got += fmt.Sprintf("%s %d ", rs.RequestCtx, rs.Index)
		}
		got = strings.TrimSpace(got)
	default:
		return fmt.Errorf("unknown expectation %q", what)
	}
	if got != want {
		return fmt.Errorf("got %q, want %q", got, want)
	}
	return nil
}

// applyEverywhere applies cc on every node as if it had just committed,
// delivering what each node sends in reaction.
func (s *scenario) applyEverywhere(cc *pb.ConfChangeV2) {
	for _, p := range s.peers {
		p.applyConfChangeV2(cc)
		s.nw.send(s.t, s.nw.filter(p.readMessages())...)
	}
}

// joint parses "[explicit] +ID -ID ..." into one ConfChangeV2.
func (s *scenario) joint(cmd string, args []string) error {
	cc := &pb.ConfChangeV2{}
	if cmd == "joint" {
		cc.Transition = pb.ConfChangeTransition_ConfChangeTransitionJointImplicit
		if len(args) > 0 && args[0] == "explicit" {
			cc.Transition = pb.ConfChangeTransition_ConfChangeTransitionJointExplicit
			args = args[1:]
		}
		for _, a := range args {
			typ := pb.ConfChangeType_ConfChangeAddNode
			switch {
			case strings.HasPrefix(a, "-"):
				typ = pb.ConfChangeType_ConfChangeRemoveNode
			case !strings.HasPrefix(a, "+"):
				return fmt.Errorf("joint change %q: want +ID or -ID", a)
			}
			ids, err := atoiArgs([]string{a[1:]})
			if err != nil {
				return err
			}
			cc.Changes = append(cc.Changes, &pb.ConfChangeSingle{Type: typ, NodeId: ids[0]})
		}
		if len(cc.Changes) == 0 {
			return fmt.Errorf("joint needs changes")
		}
	}
	s.applyEverywhere(cc)
	return nil
}

// drop loses every message of a type sent to a node until recover.
func (s *scenario) drop(args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("drop needs ID TYPE")
	}
	ids, err := atoiArgs(args[:1])
	if err != nil {
		return err
	}
	t, ok := pb.MessageType_value[args[1]]
	if !ok {
		return fmt.Errorf("unknown message type %q", args[1])
	}
	s.nw.dropTo[dropKey{ids[0], pb.MessageType(t)}] = true
	return nil
}

func joinIDs(ids []uint64) string {
	if len(ids) == 0 {
		return "-"
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatUint(id, 10)
	}
	return strings.Join(parts, ",")
}

// applyCommitted hands out and applies every node's committed entries, as
// a host's Ready/Advance would between commands.
func (s *scenario) applyCommitted() {
	for _, p := range s.peers {
		l := p.raftLog
		if l.committed > l.applying && l.applyingTo(l.committed) {
			_ = l.appliedTo(l.committed)
		}
	}
}
