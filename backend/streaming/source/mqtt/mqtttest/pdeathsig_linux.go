package mqtttest

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes the kernel kill mosquitto when the spec process
// ends, so that an interrupted run leaves no broker behind. (Not when the
// specs run as root: mosquitto then sets its user, which clears the
// request.)
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
