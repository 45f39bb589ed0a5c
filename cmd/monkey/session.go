package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/gee-project/gee/monkey/ast"
	"github.com/gee-project/gee/monkey/budget"
	"github.com/gee-project/gee/monkey/evaluator"
	"github.com/gee-project/gee/monkey/lexer"
	"github.com/gee-project/gee/monkey/object"
	"github.com/gee-project/gee/monkey/parser"
	"github.com/gee-project/gee/monkey/token"
)

// session is the REPL's state: bindings and macros kept between inputs, and
// the lines of an input still waiting for closing brackets.
//
// Each input is parsed with the lines of the earlier inputs in front of it
// (as blank lines), so every position in the session is distinct: an error
// inside a function entered earlier is shown in that input, as repl[N]:L:C.
// Input piped in is one stream instead: positions are -:L:C, L counted
// from its first line, blank lines included.
type session struct {
	env, macros *object.Environment
	pending     []string
	out, err    io.Writer
	piped       bool
	starts      []int // session line before each evaluated input's first line
	lines       int   // lines fed so far
}

func newSession(out, errOut io.Writer) *session {
	s := &session{env: object.NewEnvironment(), macros: object.NewEnvironment(), out: out, err: errOut}
	s.env.SetOutput(out)
	return s
}

// feed adds one line. It returns true while the input is incomplete (an
// unclosed bracket or string); otherwise it evaluates the input under ctx,
// prints the value or the errors, and returns the whole input as entry.
func (s *session) feed(ctx context.Context, line string) (more bool, entry string) {
	s.pending = append(s.pending, line)
	src := strings.Join(s.pending, "\n")
	if incomplete(src) {
		return true, ""
	}
	s.pending = nil
	if strings.TrimSpace(src) != "" {
		s.eval(ctx, src)
	} else {
		s.lines += strings.Count(src, "\n") + 1 // keeps later line numbers true
	}
	return false, src
}

// reset drops a half-typed input (Ctrl-C, Ctrl-D on a continuation line).
func (s *session) reset() { s.pending = nil }

func (s *session) eval(ctx context.Context, src string) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(s.err, "internal error: %v\n", r)
		}
	}()
	base := s.lines
	s.starts = append(s.starts, base)
	s.lines += strings.Count(src, "\n") + 1
	prog, err := parser.Parse(strings.Repeat("\n", base) + src)
	if err != nil {
		for _, e := range err.(parser.ErrorList) {
			fmt.Fprintf(s.err, "%s: %s\n", s.where(e.Pos), e.Msg)
		}
		return
	}
	evaluator.DefineMacros(prog, s.macros)
	if len(prog.Statements) == 0 {
		return // only macro definitions
	}
	meter := budget.New(ctx, budget.Limits{})
	expanded, merr := evaluator.ExpandMacrosMetered(prog, s.macros, meter)
	if merr != nil {
		s.report(merr)
		return
	}
	res := evaluator.EvalTraced(expanded.(*ast.Program), s.env, meter)
	if e, ok := res.(*object.Error); ok {
		s.report(e)
		return
	}
	if res != nil {
		fmt.Fprintln(s.out, res.Inspect())
	}
}

// where names a session position: repl:L:C in the latest input, repl[N]:L:C
// in input N (counting from 1) of the earlier ones, -:L:C when piped.
func (s *session) where(p token.Position) string {
	switch {
	case s.piped && p.IsValid():
		return fmt.Sprintf("-:%d:%d", p.Line, p.Col)
	case s.piped:
		return "-"
	case !p.IsValid() || len(s.starts) == 0:
		return "repl"
	}
	n := sort.SearchInts(s.starts, p.Line) // first input starting at or after p.Line
	line := p.Line - s.starts[n-1]
	if n == len(s.starts) {
		return fmt.Sprintf("repl:%d:%d", line, p.Col)
	}
	return fmt.Sprintf("repl[%d]:%d:%d", n, line, p.Col)
}

// maxTrace bounds the calls an error lists: the innermost and outermost
// halves, around a count of the ones left out.
const maxTrace = 10

// report prints a runtime error with the calls that led to it, innermost
// first: each with where its function was defined and where it was called.
func (s *session) report(e *object.Error) {
	fmt.Fprintf(s.err, "%s: %s\n", s.where(e.Pos), e.Message)
	n := len(e.Trace)
	for k := 0; k < n; k++ { // k-th call from the innermost
		if n > maxTrace && k == maxTrace/2 {
			fmt.Fprintf(s.err, "    ... %d more calls ...\n", n-maxTrace)
			k = n - maxTrace/2 - 1
			continue
		}
		f := e.Trace[n-1-k]
		fmt.Fprintf(s.err, "    in fn defined at %s, called at %s\n", s.where(f.Def), s.where(f.Call))
	}
}

// incomplete reports whether src has more ( [ { opened than closed, or ends
// inside a string.
func incomplete(src string) bool {
	l := lexer.New(src)
	depth := 0
	for {
		tok := l.NextToken()
		switch tok.Type {
		case token.EOF:
			return depth > 0
		case token.LPAREN, token.LBRACKET, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACKET, token.RBRACE:
			depth--
		case token.ILLEGAL:
			if strings.HasPrefix(tok.Literal, `"`) {
				return true
			}
		}
	}
}
