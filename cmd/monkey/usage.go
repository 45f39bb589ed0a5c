package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

const usageText = `monkey runs programs in the Monkey language: a REPL, files and snippets, on
a bytecode VM or a tree-walking evaluator with the same semantics.

Usage:
  monkey                                    start the REPL
  monkey run [-engine=NAME] [LIMITS] FILE   run a file ("-" reads standard input)
  monkey [-engine=NAME] [LIMITS] -e 'CODE'  run a snippet and print its value
  monkey -h                                 show this help
%s
Examples:
  monkey run examples/monkey/fib.monkey
  monkey -e 'let add = fn(a, b) { a + b }; add(1, 2)'     # prints 3
  echo 'puts(6 * 7)' | monkey run -
  monkey run -engine=eval -timeout 2s -max-mem 64MB prog.monkey
  monkey disasm examples/monkey/fib.monkey

The REPL keeps its bindings between lines, continues a line while ( [ {
are unclosed, and has line editing, Tab completion and history
(~/.monkey_history). Ctrl-C stops the evaluation in progress; type 'exit'
or press Ctrl-D to leave.

puts writes to standard output; errors go to standard error as
FILE:LINE:COL: message (with -e the file name is "-e"; input piped into
the REPL is "-", its lines counted from the first).

LIMITS (each 0 by default: no limit) end the run, macro expansion included,
with a runtime error naming the limit:
  -timeout D        wall-clock time, e.g. 2s
  -max-steps N      function calls
  -max-mem SIZE     bytes of arrays, strings and hashes created, e.g. 256MB

Engines: %s (default %s). The REPL always uses the evaluator.

Exit status: 0 success, 1 runtime error, 2 parse error or bad usage.

The language is described in docs/monkey.md.
`

func usage(w io.Writer) {
	extra := ""
	for _, name := range commandNames() {
		c := commands[name]
		extra += fmt.Sprintf("  monkey %-32s   %s\n", name+" "+c.args, c.summary)
	}
	fmt.Fprintf(w, usageText, extra, engineNames(), defaultEngine())
}

const runUsage = `monkey run runs one Monkey program file ("-" reads standard input) and
exits 0, 1 on a runtime error, 2 on a parse error or bad usage.

Usage:
  monkey run [-engine=NAME] [-timeout D] [-max-steps N] [-max-mem SIZE] FILE

Examples:
  monkey run examples/monkey/mapreduce.monkey
  monkey run -engine=eval -timeout 2s FILE

Flags:
`

// flagHelp returns a help printer: text, then fs's flags.
func flagHelp(fs *flag.FlagSet, text string) func(io.Writer) {
	return func(w io.Writer) {
		fmt.Fprint(w, text)
		fs.SetOutput(w)
		fs.PrintDefaults()
	}
}

// command is a subcommand registered in commands.
type command struct {
	args, summary string // for monkey -h: "FILE", "print the bytecode"
	run           func(args []string, std stdio) int
}

// commands holds the subcommands besides run (vm.go adds "disasm" and
// "bench"). Each gets the arguments after its name and returns the exit
// status.
var commands = map[string]command{}

func commandNames() []string {
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// parseArgs parses args into fs. On -h it prints help to stdout; a bad
// flag is reported on stderr by name. ok is false when the command is
// finished with status code.
func parseArgs(fs *flag.FlagSet, args []string, std stdio, help func(w io.Writer)) (code int, ok bool) {
	fs.SetOutput(io.Discard) // the flag package would print the usage to stderr too
	fs.Usage = func() {}
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		help(std.out)
		return exitOK, false
	case err != nil:
		fmt.Fprintf(std.err, "%s: %v (see %s -h)\n", fs.Name(), err, fs.Name())
		return exitParseError, false
	}
	return 0, true
}

// unknownCommand explains an argument that is no command, suggesting
// "monkey run" for what looks like a program file.
func unknownCommand(arg string, errOut io.Writer) int {
	_, statErr := os.Stat(arg)
	if statErr == nil || strings.HasSuffix(arg, ".monkey") || strings.ContainsRune(arg, '/') {
		fmt.Fprintf(errOut, "monkey: unknown command %q; to run a file: monkey run %s\n", arg, arg)
		return exitParseError
	}
	fmt.Fprintf(errOut, "monkey: unknown command %q (commands: %s; see monkey -h)\n",
		arg, strings.Join(append([]string{"run"}, commandNames()...), ", "))
	return exitParseError
}
