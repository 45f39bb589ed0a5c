package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/chzyer/readline"
	"github.com/gee-project/gee/internal/interrupt"
	"github.com/gee-project/gee/kv/playground"
	"github.com/gee-project/gee/kv/shell"
)

const (
	prompt    = "tinykv> "
	txnPrompt = "tinykv(txn)> "
)

// interactive runs the shell: with line editing and history on a terminal, or reading plain
// lines from a pipe. Ctrl-D (or end of input, or exit) leaves.
func interactive(ctx context.Context, cl *playground.Cluster, c *pgConfig, std stdio) int {
	if f, ok := std.in.(*os.File); ok && readline.IsTerminal(int(f.Fd())) {
		return terminalShell(ctx, cl, c, std)
	}
	banner(std.out, cl, c.dataDir)
	sess, err := openSession(ctx, cl, c.timeout, std.out)
	if err != nil {
		fmt.Fprintf(std.err, "tinykv playground: %v\n", err)
		return 1
	}
	defer sess.close()
	idle := make(chan struct{}) // closed at a Ctrl-C while no command runs: the piped shell ends
	it := interrupt.New(func() { close(idle) })
	defer it.Stop()
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(std.in)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			lines <- sc.Text()
		}
		if err := sc.Err(); err != nil { // a line over 1 MiB, or a read error: say why input ends
			fmt.Fprintf(std.err, "tinykv playground: reading commands: %v (a line may be at most 1 MiB)\n", err)
		}
	}()
	for {
		var line string
		var ok bool
		select {
		case line, ok = <-lines:
		case <-idle:
		case <-ctx.Done():
		}
		if !ok || isExit(line) {
			return 0
		}
		it.Run(ctx, func(ctx context.Context) { _ = sess.exec(ctx, line, std.err) })
	}
}

func isExit(line string) bool {
	l := strings.TrimSpace(line)
	return l == "exit" || l == "quit"
}

func terminalShell(ctx context.Context, cl *playground.Cluster, c *pgConfig, std stdio) int {
	rl, err := readline.NewEx(&readline.Config{Prompt: prompt, HistoryFile: historyFile(), HistorySearchFold: true,
		FuncGetWidth: screenWidth, AutoComplete: commandCompleter()})
	if err != nil {
		fmt.Fprintf(std.err, "tinykv playground: %v\n", err)
		return 1
	}
	defer rl.Close()
	out := rl.Stdout()
	banner(out, cl, c.dataDir)
	fmt.Fprintln(out, "Type help for the commands. Ctrl-C ends a running command, Ctrl-D leaves and stops the cluster.")
	sess, err := openSession(ctx, cl, c.timeout, out)
	if err != nil {
		fmt.Fprintf(rl.Stderr(), "tinykv playground: %v\n", err)
		return 1
	}
	defer sess.close()
	stop := context.AfterFunc(ctx, func() { _ = rl.Close() }) // SIGTERM ends the read
	defer stop()
	for {
		if sess.sh.InTxn() {
			rl.SetPrompt(txnPrompt)
		} else {
			rl.SetPrompt(prompt)
		}
		line, err := rl.Readline()
		switch {
		case errors.Is(err, readline.ErrInterrupt):
			continue // Ctrl-C at the prompt clears the line
		case err != nil: // io.EOF: Ctrl-D
			fmt.Fprintln(out, "stopping the cluster...")
			return 0
		}
		if isExit(line) {
			fmt.Fprintln(out, "stopping the cluster...")
			return 0
		}
		interrupt.Do(ctx, func(ctx context.Context) { _ = sess.exec(ctx, line, rl.Stderr()) })
	}
}

// screenWidth is the terminal width, or 80 when the terminal reports none.
func screenWidth() int {
	if w := readline.GetScreenWidth(); w > 0 {
		return w
	}
	return 80
}

// historyFile is ~/.tinykv_history, or none when there is no home directory.
func historyFile() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".tinykv_history")
}

// commandCompleter completes the first word of a line to a command name.
func commandCompleter() readline.AutoCompleter {
	var items []readline.PrefixCompleterInterface
	for _, name := range shell.Commands() {
		items = append(items, readline.PcItem(name))
	}
	return readline.NewPrefixCompleter(items...)
}
