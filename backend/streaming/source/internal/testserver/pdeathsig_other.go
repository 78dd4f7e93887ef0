//go:build !linux

package testserver

import "os/exec"

// dieWithParent does nothing where the kernel cannot tie the program's
// life to the spec process's: the harness's Stop (AfterSuite,
// DeferCleanup) ends it.
func dieWithParent(*exec.Cmd) {}
