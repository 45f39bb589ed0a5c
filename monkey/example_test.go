package monkey_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/gee-project/gee/monkey"
	"github.com/gee-project/gee/monkey/object"
)

func Example() {
	in := monkey.New()
	in.Register("shout", func(args ...object.Object) (object.Object, error) {
		s, ok := args[0].(*object.String)
		if !ok {
			return nil, fmt.Errorf("shout wants a STRING, got %s", args[0].Type())
		}
		return &object.String{Value: strings.ToUpper(s.Value) + "!"}, nil
	})
	if err := in.Set("name", "monkey"); err != nil {
		panic(err)
	}
	v, err := in.Run(`shout("hello " + name)`)
	fmt.Println(v.Inspect(), err)
	_, err = in.Run(`shout(1)`)
	fmt.Println(err)
	// Output:
	// HELLO MONKEY! <nil>
	// 1:6: shout wants a STRING, got INTEGER
}

// ExampleCompile compiles a rule once and runs it with different inputs.
func ExampleCompile() {
	p, err := monkey.Compile(`if (price * qty > 1000) { price * qty - discount } else { price * qty }`, monkey.Options{})
	if err != nil {
		panic(err)
	}
	for _, qty := range []int{10, 40} {
		v, err := p.Run(context.Background(), map[string]any{"price": 30, "qty": qty, "discount": 5})
		fmt.Println(v.Inspect(), err)
	}
	// Output:
	// 300 <nil>
	// 1195 <nil>
}

// ExampleInterpreter_Set passes a struct and a Go function to a script.
func ExampleInterpreter_Set() {
	type user struct {
		Name  string
		Roles []string `monkey:"roles"`
	}
	in := monkey.New()
	_ = in.Set("u", user{Name: "ada", Roles: []string{"admin", "dev"}})
	_ = in.Set("upper", strings.ToUpper)
	v, err := in.Run(`upper(u["Name"]) + " has " + first(u["roles"])`)
	fmt.Println(v.Inspect(), err)
	// Output:
	// ADA has admin <nil>
}
