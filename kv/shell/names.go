package shell

import "sort"

// Commands lists the command names in sorted order, for completion in a line editor.
func Commands() []string {
	out := append([]string(nil), names()...)
	sort.Strings(out)
	return out
}
