//go:build !linux

package natstest

import "os/exec"

// dieWithParent does nothing where the kernel cannot tie nats-server's
// life to the spec process's: the specs' Stop ends it.
func dieWithParent(*exec.Cmd) {}
