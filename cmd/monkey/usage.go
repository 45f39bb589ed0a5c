package main

import (
	"fmt"
	"io"
	"sort"
)

const usageText = `monkey runs programs in the Monkey language.

Usage:
  monkey                                    start the REPL
  monkey run [-engine=NAME] [LIMITS] FILE   run a file ("-" reads standard input)
  monkey [-engine=NAME] [LIMITS] -e 'CODE'  run a snippet and print its value
  monkey -h                                 show this help
%s
The REPL keeps its bindings between lines, continues a line while ( [ {
are unclosed, and has line editing, Tab completion and history
(~/.monkey_history).
Type 'exit' or press Ctrl-D to leave.

puts writes to standard output; errors go to standard error as
FILE:LINE:COL: message (with -e the file name is "-e").

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
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names)
	extra := ""
	for _, name := range names {
		extra += fmt.Sprintf("  monkey %s ...\n", name)
	}
	fmt.Fprintf(w, usageText, extra, engineNames(), defaultEngine())
}
