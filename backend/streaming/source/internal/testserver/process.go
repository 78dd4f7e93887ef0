package testserver

import (
	"fmt"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// Timeouts of a server's process.
const (
	killTimeout = 20 * time.Second // for the process to exit after SIGKILL
	termTimeout = 10 * time.Second // for the process to exit after SIGTERM
)

// Program says how a harness runs its server program, and how it tells
// that the program is ready.
type Program struct {
	// Harness names the harness, such as "mqtttest"; it begins every
	// error.
	Harness string
	// Name is the program's file name, such as "mosquitto", found by
	// [FindBinary].
	Name string
	// InstallHint says how to install the program, for the error when it
	// is missing.
	InstallHint string
	// Kind is what the harness calls a running program, such as "broker",
	// for the error of a restart after a stop.
	Kind string
	// Args are the program's arguments.
	Args []string
	// Output is the file the program's output and errors are appended to.
	Output string
	// Ready waits until the program just started serves its clients, and
	// fails once exit is closed: the program has exited.
	Ready func(exit <-chan struct{}) error
}

// Process is a running server program, started by [Start]. Its methods may
// be called from any goroutine; Kill, Restart and Stop wait for one
// another.
type Process struct {
	program Program

	mu      sync.Mutex
	cmd     *exec.Cmd
	exit    chan struct{} // closed when cmd has exited
	stopped bool
}

// Start finds and starts p's program, returning once p.Ready says it is
// ready. On failure it leaves no process behind; a missing program is an
// error that says how to install it.
func Start(p Program) (*Process, error) {
	proc := &Process{program: p}
	if err := proc.start(); err != nil {
		return nil, err
	}
	return proc, nil
}

// start runs the program and waits until it is ready; on failure it leaves
// no process behind. The caller holds p.mu, or is Start.
func (p *Process) start() error {
	prog := p.program
	bin, err := FindBinary(prog.Name, prog.InstallHint)
	if err != nil {
		return fmt.Errorf("%s: %w", prog.Harness, err)
	}
	out, err := os.OpenFile(prog.Output, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("%s: %s's output file: %w", prog.Harness, prog.Name, err)
	}
	defer out.Close()
	cmd := exec.Command(bin, prog.Args...)
	cmd.Stdout, cmd.Stderr = out, out
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("%s: starting %s: %w", prog.Harness, prog.Name, err)
	}
	exit := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exit)
	}()
	p.cmd, p.exit = cmd, exit
	if err := prog.Ready(exit); err != nil {
		_ = p.kill()
		return err
	}
	return nil
}

// kill sends SIGKILL and waits for the exit. The caller holds p.mu.
func (p *Process) kill() error {
	if p.cmd == nil {
		return nil
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL) // fails only when it has exited already
	select {
	case <-p.exit:
		return nil
	case <-time.After(killTimeout):
		return fmt.Errorf("%s: %s (pid %d) has not exited %s after SIGKILL", p.program.Harness, p.program.Name, p.cmd.Process.Pid, killTimeout)
	}
}

// Kill ends the program at once, as a crash would, and waits for it to
// exit. Killing a program that has exited already does nothing.
func (p *Process) Kill() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.kill()
}

// Restart starts the program again, with the same arguments, and returns
// once it is ready. A program still running is killed first, as by
// [Process.Kill]. A stopped process cannot restart.
func (p *Process) Restart() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return fmt.Errorf("%s: the %s was stopped; Start a new one", p.program.Harness, p.program.Kind)
	}
	if err := p.kill(); err != nil {
		return err
	}
	return p.start()
}

// Stop ends the program with SIGTERM, or SIGKILL if it has not exited 10
// seconds later. Stopping a stopped process does nothing.
func (p *Process) Stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return
	}
	p.stopped = true
	if p.cmd != nil {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.exit:
		case <-time.After(termTimeout):
			_ = p.kill()
		}
	}
}
