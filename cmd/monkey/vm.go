package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
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
	commands["disasm"] = func(args []string) int { return disasmCommand(args, os.Stdin, os.Stdout, os.Stderr) }
	commands["bench"] = func(args []string) int { return benchCommand(args, os.Stdout, os.Stderr) }
}

// disasmCommand prints the bytecode the compiler makes for a file.
func disasmCommand(args []string, in io.Reader, out, errOut io.Writer) int {
	if len(args) != 1 || args[0] == "-h" || args[0] == "-help" {
		fmt.Fprintln(errOut, "usage: monkey disasm FILE")
		return exitParseError
	}
	src, err := readSource(args[0], in)
	if err != nil {
		fmt.Fprintf(errOut, "monkey: %v\n", err)
		return exitRuntimeError
	}
	prog, status := prepare(args[0], string(src), errOut, budget.Unlimited())
	if status != exitOK {
		return status
	}
	bc, err := compiler.Compile(prog)
	if err != nil {
		fmt.Fprintf(errOut, "%s:%v\n", args[0], err)
		return exitRuntimeError
	}
	fmt.Fprint(out, bc.String())
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

// benchCommand times fibonacci(n) on an engine, as the book's benchmark
// does: parsing and compiling are outside the measured duration for the VM.
func benchCommand(args []string, out, errOut io.Writer) int {
	fs := flag.NewFlagSet("monkey bench", flag.ContinueOnError)
	fs.SetOutput(errOut)
	engine := fs.String("engine", "vm", "engine: "+engineNames())
	n := fs.Int("n", 35, "compute fibonacci(`N`)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
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
