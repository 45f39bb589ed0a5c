package monkey_test

import (
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
