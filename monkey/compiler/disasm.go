package compiler

import (
	"fmt"
	"strings"
)

// String disassembles the program: the main function, then every function
// constant, each headed by its constant index, name and register count.
func (b *Bytecode) String() string {
	var out strings.Builder
	fmt.Fprintf(&out, "== main (registers=%d) ==\n%s", b.Main.NumRegs, b.Main.Instructions)
	for i, k := range b.Constants {
		fn, ok := k.(*Function)
		if !ok {
			continue
		}
		name := fn.Name
		if name == "" {
			name = "<anonymous>"
		}
		fmt.Fprintf(&out, "== k%d fn %s (params=%d registers=%d free=%d) ==\n%s",
			i, name, fn.NumParams, fn.NumRegs, fn.NumFree, fn.Instructions)
	}
	if len(b.Constants) > 0 {
		out.WriteString("== constants ==\n")
		for i, k := range b.Constants {
			switch k := k.(type) {
			case *Function:
				fmt.Fprintf(&out, "k%d fn %s\n", i, k.Name)
			case string:
				fmt.Fprintf(&out, "k%d %q\n", i, k)
			default:
				fmt.Fprintf(&out, "k%d %v\n", i, k)
			}
		}
	}
	if len(b.Globals) > 0 {
		out.WriteString("== globals ==\n")
		for i, g := range b.Globals {
			fmt.Fprintf(&out, "g%d %s\n", i, g)
		}
	}
	return out.String()
}
