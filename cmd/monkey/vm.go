package main

import (
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/gee-project/gee/monkey/ast"
	"github.com/gee-project/gee/monkey/budget"
	"github.com/gee-project/gee/monkey/compiler"
	"github.com/gee-project/gee/monkey/object"
	"github.com/gee-project/gee/monkey/parser"
	"github.com/gee-project/gee/monkey/vm"
)

// The bytecode VM: the "vm" engine and the disasm and bench commands.
func init() {
	engines["vm"] = func(prog *ast.Program, out io.Writer, meter *budget.Meter) (object.Object, error) {
		return vm.RunWith(prog, out, vm.Options{Meter: meter})
	}
	commands["disasm"] = command{args: "FILE", summary: "print the bytecode the VM runs for FILE", run: disasmCommand}
	commands["bench"] = command{args: "[-engine=NAME] [-n N]", summary: "time fibonacci(N), the book's benchmark", run: benchCommand}
}

const disasmUsage = `monkey disasm prints the bytecode the compiler makes for a Monkey program
file ("-" reads standard input): the constants, then each function's
instructions with their offsets and operands.

Usage:
  monkey disasm FILE

Example:
  monkey disasm examples/monkey/fib.monkey
`

// disasmCommand prints the bytecode the compiler makes for a file.
func disasmCommand(args []string, std stdio) int {
	fs := flag.NewFlagSet("monkey disasm", flag.ContinueOnError)
	if status, ok := parseArgs(fs, args, std, flagHelp(fs, disasmUsage)); !ok {
		return status
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(std.err, "usage: monkey disasm FILE (see monkey disasm -h)")
		return exitParseError
	}
	file := fs.Arg(0)
	src, err := readSource(file, std.in)
	if err != nil {
		fmt.Fprintf(std.err, "monkey: %v\n", err)
		return exitRuntimeError
	}
	prog, status := prepare(file, string(src), std.err, budget.Unlimited())
	if status != exitOK {
		return status
	}
	bc, err := compiler.Compile(prog)
	if err != nil {
		fmt.Fprintf(std.err, "%s:%v\n", file, err)
		return exitRuntimeError
	}
	fmt.Fprint(std.out, bc.String())
	return exitOK
}

// benchSource is the book's benchmark program.
const benchSource = `let fibonacci = fn(x) {
  if (x == 0) {
    0
  } else {
    if (x == 1) {
      return 1;
    } else {
      fibonacci(x - 1) + fibonacci(x - 2);
    }
  }
};
fibonacci(%d);`

const benchUsage = `monkey bench times the book's benchmark, a recursive fibonacci(N), on one
engine and prints engine=NAME, result=VALUE, duration=D. As in the book,
parsing and (for the VM) compiling are outside the measured time.

Usage:
  monkey bench [-engine=NAME] [-n N]

Examples:
  monkey bench                   # engine=vm, result=9227465, duration=…
  monkey bench -engine=eval -n 30

Flags:
`

// maxBenchN bounds -n: fibonacci(50) takes minutes on the VM, and a
// negative N recurses until the stack overflows.
const maxBenchN = 50

// benchCommand times fibonacci(n) on an engine, as the book's benchmark
// does: parsing and compiling are outside the measured duration for the VM.
func benchCommand(args []string, std stdio) int {
	out, errOut := std.out, std.err
	fs := flag.NewFlagSet("monkey bench", flag.ContinueOnError)
	engine := fs.String("engine", "vm", "engine: "+engineNames())
	n := fs.Int("n", 35, "compute fibonacci(`N`), 0 to 50")
	if status, ok := parseArgs(fs, args, std, flagHelp(fs, benchUsage)); !ok {
		return status
	}
	if *n < 0 || *n > maxBenchN {
		fmt.Fprintf(errOut, "monkey bench: -n %d: want 0 to %d\n", *n, maxBenchN)
		return exitParseError
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(errOut, "monkey bench: unexpected argument %q (see monkey bench -h)\n", fs.Arg(0))
		return exitParseError
	}
	run, ok := engines[*engine]
	if !ok {
		fmt.Fprintf(errOut, "monkey: unknown engine %q (have %s)\n", *engine, engineNames())
		return exitParseError
	}
	prog, err := parser.Parse(fmt.Sprintf(benchSource, *n))
	if err != nil {
		fmt.Fprintf(errOut, "monkey: %v\n", err)
		return exitRuntimeError
	}
	if *engine == "vm" {
		run, err = precompiled(prog)
		if err != nil {
			fmt.Fprintf(errOut, "monkey: %v\n", err)
			return exitRuntimeError
		}
	}
	start := time.Now()
	res, err := run(prog, io.Discard, budget.Unlimited())
	d := time.Since(start)
	if err != nil {
		reportRuntime("bench", err, errOut)
		return exitRuntimeError
	}
	fmt.Fprintf(out, "engine=%s, result=%s, duration=%s\n", *engine, res.Inspect(), d)
	return exitOK
}

// precompiled compiles prog now and returns an engine that only runs it.
func precompiled(prog *ast.Program) (Engine, error) {
	bc, err := compiler.Compile(prog)
	if err != nil {
		return nil, err
	}
	return func(_ *ast.Program, out io.Writer, meter *budget.Meter) (object.Object, error) {
		m, err := vm.New(bc, out, vm.Options{Meter: meter})
		if err != nil {
			return nil, err
		}
		return m.Run()
	}, nil
}
