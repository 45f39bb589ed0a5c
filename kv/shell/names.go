package shell

// Commands lists the command names in sorted order, for completion in a line editor.
func Commands() []string { return names() }
