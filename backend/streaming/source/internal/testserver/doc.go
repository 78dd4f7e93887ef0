// Package testserver runs the real server programs that spec harnesses
// (mqtttest's mosquitto, natstest's nats-server) start for specs: it finds
// a program where Debian installs it, picks free loopback ports, and
// starts, kills, restarts and stops the program's process, tied to the
// spec process's life where the kernel allows.
//
// It is a helper for spec harnesses only: production code never imports
// it. Every failure is an error that says what went wrong.
package testserver
