package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/chzyer/readline"
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
	sc := bufio.NewScanner(std.in)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "exit" && len(s.pending) == 0 {
			return exitOK
		}
		s.feed(sc.Text())
	}
	return exitOK
}

func terminalREPL(s *session) int {
	cfg := &readline.Config{Prompt: prompt, HistoryFile: historyFile(), HistorySearchFold: true,
		FuncGetWidth: screenWidth, AutoComplete: completer{s}}
	rl, err := readline.NewEx(cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "monkey: %v\n", err)
		return exitRuntimeError
	}
	defer rl.Close()
	s.out, s.err = rl.Stdout(), rl.Stderr()
	s.env.SetOutput(s.out)
	fmt.Fprintln(s.out, "Monkey REPL. Ctrl-D or 'exit' to leave; docs/monkey.md has the language.")
	for {
		line, err := rl.Readline()
		switch {
		case errors.Is(err, readline.ErrInterrupt):
			s.reset()
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
		if s.feed(line) {
			rl.SetPrompt(contPrompt)
		} else {
			rl.SetPrompt(prompt)
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
