package shell

import (
	"context"
	"fmt"
	"strconv"
)

// command is one shell command: its argument form and count, a one-line description, and
// what runs it (after the count is checked).
type command struct {
	name     string
	form     string // argument form, "" for none
	min, max int    // argument count; max -1 for any
	brief    string
	detail   string // help CMD adds this
	kv       bool   // needs Config.KV
	run      func(s *Shell, ctx context.Context, args []string) error
}

// usage is the command's usage line, e.g. "put KEY VALUE".
func (c *command) usage() string {
	if c.form == "" {
		return c.name
	}
	return c.name + " " + c.form
}

// commands holds every command by name; filled by init (help reads it, so it cannot be a
// plain initialised variable).
var commands map[string]*command

// order is the command names in help's order.
var order []string

func init() {
	commands = map[string]*command{}
	for _, group := range [][]*command{dataCommands(), txnCommands(), adminCommands(), operatorCommands(),
		nodeCommands(), {helpCommand()}} {
		for _, c := range group {
			commands[c.name] = c
			order = append(order, c.name)
		}
	}
}

// names returns the command names in help's order.
func names() []string { return order }

// parseWords finds the command named by ws[0] and checks the argument count; a nil command
// with a nil error is no words.
func parseWords(ws []string) (*command, []string, error) {
	if len(ws) == 0 {
		return nil, nil, nil
	}
	c, ok := commands[ws[0]]
	if !ok {
		return nil, nil, usagef("unknown command %q (type help)", ws[0])
	}
	args := ws[1:]
	if len(args) < c.min || (c.max >= 0 && len(args) > c.max) {
		return nil, nil, argCountError(c, len(args))
	}
	return c, args, nil
}

// argCountError is e.g. "put: want KEY VALUE, got 1 argument (usage: put KEY VALUE)".
func argCountError(c *command, n int) error {
	form, plural := c.form, "s"
	if form == "" {
		form = "no arguments"
	}
	if n == 1 {
		plural = ""
	}
	return usagef("%s: want %s, got %d argument%s (usage: %s)", c.name, form, n, plural, c.usage())
}

// parseID parses a positive id; what names the argument ("region id").
func parseID(cmd, what, arg string) (uint64, error) {
	id, err := strconv.ParseUint(arg, 10, 64)
	if err != nil || id == 0 {
		return 0, usagef("%s: %s %q is not a positive integer", cmd, what, arg)
	}
	return id, nil
}

// parseLimit parses an optional count from 1 to max; def when arg is absent.
func parseLimit(cmd string, args []string, i, def, max int) (int, error) {
	if len(args) <= i {
		return def, nil
	}
	n, err := strconv.Atoi(args[i])
	if err != nil || n < 1 || n > max {
		return 0, usagef("%s: limit %q is not an integer from 1 to %d", cmd, args[i], max)
	}
	return n, nil
}

// clusterErr names the command in an error from the cluster.
func clusterErr(cmd string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", cmd, err)
}
