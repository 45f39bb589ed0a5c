// Command monkey runs Monkey programs: a REPL, files and snippets.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/gee-project/gee/monkey/ast"
	"github.com/gee-project/gee/monkey/budget"
	"github.com/gee-project/gee/monkey/evaluator"
	"github.com/gee-project/gee/monkey/object"
	"github.com/gee-project/gee/monkey/parser"
)

// Exit statuses.
const (
	exitOK           = 0
	exitRuntimeError = 1
	exitParseError   = 2
)

func main() {
	os.Exit(cli(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// stdio bundles the streams a command uses, so tests can capture them.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

func cli(args []string, in io.Reader, out, errOut io.Writer) int {
	std := stdio{in: in, out: out, err: errOut}
	if len(args) > 0 {
		if cmd, ok := commands[args[0]]; ok {
			return cmd.run(args[1:], std)
		}
		if args[0] == "run" {
			return runCommand(args[1:], std)
		}
	}
	fs := flag.NewFlagSet("monkey", flag.ContinueOnError)
	code := fs.String("e", "", "run `CODE` and print its value")
	engine := fs.String("engine", defaultEngine(), "engine for -e: "+engineNames())
	lim := limitFlags(fs)
	if status, ok := parseArgs(fs, args, std, usage); !ok {
		return status
	}
	switch {
	case isFlagSet(fs, "e"):
		return runSource("-e", *code, *engine, true, lim, std)
	case fs.NArg() == 0:
		return repl(std)
	}
	return unknownCommand(fs.Arg(0), errOut)
}

func isFlagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func engineNames() string {
	names := make([]string, 0, len(engines))
	for n := range engines {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func runCommand(args []string, std stdio) int {
	fs := flag.NewFlagSet("monkey run", flag.ContinueOnError)
	engine := fs.String("engine", defaultEngine(), "engine: "+engineNames())
	lim := limitFlags(fs)
	if status, ok := parseArgs(fs, args, std, flagHelp(fs, runUsage)); !ok {
		return status
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(std.err, "usage: monkey run [-engine=NAME] [-timeout D] [-max-steps N] [-max-mem SIZE] FILE")
		return exitParseError
	}
	file := fs.Arg(0)
	src, err := readSource(file, std.in)
	if err != nil {
		fmt.Fprintf(std.err, "monkey: %v\n", err)
		return exitRuntimeError
	}
	return runSource(file, string(src), *engine, false, lim, std)
}

// readSource reads the program file, or standard input for "-".
func readSource(file string, stdin io.Reader) ([]byte, error) {
	if file == "-" {
		return io.ReadAll(stdin)
	}
	return os.ReadFile(file)
}

// runSource parses, expands macros and runs src on the named engine, both
// under the limits. Errors go to stderr as NAME:LINE:COL: message.
func runSource(name, src, engineName string, printValue bool, lim *limits, std stdio) int {
	if err := lim.check(); err != nil {
		fmt.Fprintf(std.err, "monkey: %v\n", err)
		return exitParseError
	}
	engine, ok := engines[engineName]
	if !ok {
		fmt.Fprintf(std.err, "monkey: unknown engine %q (have %s)\n", engineName, engineNames())
		return exitParseError
	}
	ctx, cancel := lim.context()
	defer cancel()
	meter := budget.New(ctx, lim.Limits)
	prog, status := prepare(name, src, std.err, meter)
	if status != exitOK {
		return status
	}
	res, err := engine(prog, std.out, meter)
	if err != nil {
		reportRuntime(name, err, std.err)
		return exitRuntimeError
	}
	if printValue && res != nil && res != object.NULL {
		fmt.Fprintln(std.out, res.Inspect())
	}
	return exitOK
}

// prepare parses src and expands its macros under meter, reporting failures
// to errOut.
func prepare(name, src string, errOut io.Writer, meter *budget.Meter) (*ast.Program, int) {
	prog, err := parser.Parse(src)
	if err != nil {
		for _, e := range err.(parser.ErrorList) {
			fmt.Fprintf(errOut, "%s:%s\n", name, e.Error())
		}
		return nil, exitParseError
	}
	macros := object.NewEnvironment()
	evaluator.DefineMacros(prog, macros)
	expanded, merr := evaluator.ExpandMacrosMetered(prog, macros, meter)
	if merr != nil {
		reportRuntime(name, merr, errOut)
		return nil, exitRuntimeError
	}
	return expanded.(*ast.Program), exitOK
}

func reportRuntime(name string, err error, errOut io.Writer) {
	var oe *object.Error
	if errors.As(err, &oe) && oe.Pos.IsValid() {
		fmt.Fprintf(errOut, "%s:%s: %s\n", name, oe.Pos, oe.Message)
		return
	}
	fmt.Fprintf(errOut, "%s: %v\n", name, err)
}
