package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/chzyer/readline"
	"github.com/gee-project/gee/internal/interrupt"
)

const (
	prompt     = ">> "
	contPrompt = ".. "
)

// repl runs the interactive loop: with line editing and history on a
// terminal, or reading plain lines from a pipe.
func repl(std stdio) int {
	s := newSession(std.out, std.err)
	if f, ok := std.in.(*os.File); ok && readline.IsTerminal(int(f.Fd())) {
		return terminalREPL(s)
	}
	s.piped = true
	// One handler for the whole session: installing one per input cost more than evaluating a
	// simple line. Ctrl-C while waiting for input ends the session.
	it := interrupt.New(func() { os.Exit(exitInterrupted) })
	defer it.Stop()
	sc := bufio.NewScanner(std.in)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "exit" && len(s.pending) == 0 {
			return exitOK
		}
		it.Run(context.Background(), func(ctx context.Context) { s.feed(ctx, sc.Text()) })
	}
	return exitOK
}

func terminalREPL(s *session) int {
	// History is kept here, not by readline, so a multi-line input is one
	// entry (readline's file holds one line per entry).
	hist := historyFile()
	cfg := &readline.Config{Prompt: prompt, HistorySearchFold: true, DisableAutoSaveHistory: true,
		FuncGetWidth: screenWidth, AutoComplete: completer{s}}
	rl, err := readline.NewEx(cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "monkey: %v\n", err)
		return exitRuntimeError
	}
	defer rl.Close()
	s.out, s.err = rl.Stdout(), rl.Stderr()
	s.env.SetOutput(s.out)
	for _, entry := range loadHistory(hist) {
		_ = rl.SaveHistory(entry)
	}
	fmt.Fprintln(s.out, "Monkey REPL. Ctrl-D or 'exit' to leave; docs/monkey.md has the language.")
	for {
		line, err := rl.Readline()
		switch {
		case errors.Is(err, readline.ErrInterrupt):
			s.reset()
			rl.SetPrompt(prompt)
			continue
		case errors.Is(err, io.EOF) && len(s.pending) > 0:
			// Ctrl-D on a continuation line abandons that input only.
			s.reset()
			fmt.Fprintln(s.out)
			rl.SetPrompt(prompt)
			continue
		case errors.Is(err, io.EOF):
			return exitOK
		case err != nil:
			fmt.Fprintf(s.err, "monkey: %v\n", err)
			return exitRuntimeError
		}
		if strings.TrimSpace(line) == "exit" && len(s.pending) == 0 {
			return exitOK
		}
		var more bool
		var entry string
		interrupt.Do(context.Background(), func(ctx context.Context) { more, entry = s.feed(ctx, line) })
		if more {
			rl.SetPrompt(contPrompt)
			continue
		}
		rl.SetPrompt(prompt)
		if strings.TrimSpace(entry) != "" {
			_ = rl.SaveHistory(entry)
			appendHistory(hist, entry)
		}
	}
}

// screenWidth is the terminal width, or 80 when the terminal reports none
// (readline's cursor arithmetic loops forever on a zero width).
func screenWidth() int {
	if w := readline.GetScreenWidth(); w > 0 {
		return w
	}
	return 80
}

func historyFile() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".monkey_history")
}
