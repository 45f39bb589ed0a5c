package evaluator_test

import (
	"fmt"

	"github.com/gee-project/gee/monkey/evaluator"
	"github.com/gee-project/gee/monkey/object"
	"github.com/gee-project/gee/monkey/parser"
)

func ExampleEval() {
	env := object.NewEnvironment()
	for _, src := range []string{
		"let adder = fn(x) { fn(y) { x + y } };",
		"let addTwo = adder(2); addTwo(40)",
		"addTwo(true)",
	} {
		prog, err := parser.Parse(src)
		if err != nil {
			fmt.Println(err)
			continue
		}
		switch res := evaluator.Eval(prog, env).(type) {
		case nil: // the program ended with a let
		case *object.Error: // the position is in adder's body, where + failed
			fmt.Println("error at", res.Pos, "-", res.Message)
		default:
			fmt.Println(res.Inspect())
		}
	}
	// Output:
	// 42
	// error at 1:31 - type mismatch: INTEGER + BOOLEAN
}
