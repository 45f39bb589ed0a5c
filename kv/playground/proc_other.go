//go:build unix && !linux

package playground

import "syscall"

// childAttr puts a child in its own process group, so a Ctrl-C at the playground's terminal
// cancels the shell's command instead of killing the cluster.
func childAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }
