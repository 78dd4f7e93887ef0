package main

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes the kernel kill the process when the spec process
// ends, so that an interrupted run leaves no server behind.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
