package playground

import "syscall"

// childAttr puts a child in its own process group, so a Ctrl-C at the playground's terminal
// (sent to the foreground group) cancels the shell's command instead of killing the cluster,
// and has the kernel SIGKILL it if the playground dies without cleaning up.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
