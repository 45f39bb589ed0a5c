package shell

import (
	"context"
	"fmt"
	"io"
)

// helpFooter explains what every command shares.
const helpFooter = `Keys and values are words, or double-quoted strings with Go escapes ("a b", "\x00\xff", "" for
empty); output quotes them the same way when needed. Separate several commands with ;.
Outside begin ... commit, put, get, delete and scan each run as a transaction of their own
(autocommit). raw put|get|delete|scan use the raw API instead, a separate key space.
help COMMAND tells more (limits and defaults).`

func helpCommand() *command {
	return &command{name: "help", form: "[COMMAND]", min: 0, max: 1, run: (*Shell).help,
		brief: "list the commands, or describe one"}
}

// helpJSON is one command in help's JSON answer.
type helpJSON struct {
	Name   string `json:"name"`
	Usage  string `json:"usage"`
	Brief  string `json:"brief"`
	Detail string `json:"detail,omitempty"`
}

func (s *Shell) help(_ context.Context, args []string) error {
	if len(args) == 1 {
		c, ok := commands[args[0]]
		if !ok {
			return usagef("help: unknown command %q (type help)", args[0])
		}
		return s.emit(helpJSON{Name: c.name, Usage: c.usage(), Brief: c.brief, Detail: c.detail}, func(w io.Writer) {
			fmt.Fprintf(w, "usage: %s\n%s\n", c.usage(), c.brief)
			if c.detail != "" {
				fmt.Fprintln(w, c.detail)
			}
		})
	}
	all := make([]helpJSON, 0, len(commands))
	for _, n := range names() {
		c := commands[n]
		all = append(all, helpJSON{Name: c.name, Usage: c.usage(), Brief: c.brief})
	}
	return s.emit(all, func(w io.Writer) {
		for _, h := range all {
			fmt.Fprintf(w, "  %s\t%s\n", h.Usage, h.Brief)
		}
		fmt.Fprintln(w)
		fmt.Fprintln(w, helpFooter)
	})
}
