//go:build !linux

package mqtt_test

import "os/exec"

// dieWithSpecs does nothing where the kernel cannot tie mosquitto's life
// to the spec process's: AfterSuite and DeferCleanup stop it.
func dieWithSpecs(*exec.Cmd) {}
