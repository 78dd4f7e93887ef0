package testserver

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes the kernel kill the program when the spec process
// ends, so that an interrupted run leaves no server behind. (Not for a
// program that sets its user, as mosquitto does when the specs run as
// root: that clears the request.)
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
