//go:build !linux

package mqtttest

import "os/exec"

// dieWithParent does nothing where the kernel cannot tie mosquitto's life
// to the spec process's: the specs' Stop (AfterSuite, DeferCleanup) ends
// it.
func dieWithParent(*exec.Cmd) {}
