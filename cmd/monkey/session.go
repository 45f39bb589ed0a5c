package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/gee-project/gee/monkey/ast"
	"github.com/gee-project/gee/monkey/evaluator"
	"github.com/gee-project/gee/monkey/lexer"
	"github.com/gee-project/gee/monkey/object"
	"github.com/gee-project/gee/monkey/parser"
	"github.com/gee-project/gee/monkey/token"
)

// session is the REPL's state: bindings and macros kept between inputs, and
// the lines of an input still waiting for closing brackets.
type session struct {
	env, macros *object.Environment
	pending     []string
	out, err    io.Writer
}

func newSession(out, errOut io.Writer) *session {
	s := &session{env: object.NewEnvironment(), macros: object.NewEnvironment(), out: out, err: errOut}
	s.env.SetOutput(out)
	return s
}

// feed adds one line. It returns true while the input is incomplete (an
// unclosed bracket or string); otherwise it evaluates the input and prints
// the value or the errors.
func (s *session) feed(line string) (more bool) {
	s.pending = append(s.pending, line)
	src := strings.Join(s.pending, "\n")
	if incomplete(src) {
		return true
	}
	s.pending = nil
	if strings.TrimSpace(src) != "" {
		s.eval(src)
	}
	return false
}

// reset drops a half-typed input (Ctrl-C).
func (s *session) reset() { s.pending = nil }

func (s *session) eval(src string) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(s.err, "internal error: %v\n", r)
		}
	}()
	prog, err := parser.Parse(src)
	if err != nil {
		for _, e := range err.(parser.ErrorList) {
			fmt.Fprintf(s.err, "repl:%s\n", e.Error())
		}
		return
	}
	evaluator.DefineMacros(prog, s.macros)
	if len(prog.Statements) == 0 {
		return // only macro definitions
	}
	expanded, merr := evaluator.ExpandMacros(prog, s.macros)
	if merr != nil {
		reportRuntime("repl", merr, s.err)
		return
	}
	res := evaluator.Eval(expanded.(*ast.Program), s.env)
	if e, ok := res.(*object.Error); ok {
		reportRuntime("repl", e, s.err)
		return
	}
	if res != nil {
		fmt.Fprintln(s.out, res.Inspect())
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
