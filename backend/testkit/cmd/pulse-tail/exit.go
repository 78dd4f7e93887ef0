package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
)

// Exit statuses.
const (
	// exitOK: the duration elapsed, or the user stopped pulse-tail (Ctrl-C,
	// SIGTERM), which is how a tail without -duration normally ends.
	exitOK = 0
	// exitFailed: something went wrong that the user's input does not
	// explain (the build, the plugin, the stream).
	exitFailed = 1
	// exitBadInput: the flags, the environment, the query or the settings
	// are wrong, or the plugin refused them. The flag package uses 2 too.
	exitBadInput = 2
)

// inputError is an error in what the user gave: pulse-tail exits with
// exitBadInput.
type inputError struct{ msg string }

func (e *inputError) Error() string { return e.msg }

// badInput is an inputError.
func badInput(format string, args ...any) error {
	return &inputError{msg: fmt.Sprintf(format, args...)}
}

// exitStatus prints err once, plainly, on one line of w, and says how
// pulse-tail exits. An error after ctx ended (Ctrl-C) is the interruption's,
// not a failure: it is not printed.
func exitStatus(ctx context.Context, err error, w io.Writer) int {
	var bad *inputError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.Is(err, errClosed):
		return exitOK // the reader of stdout is done: nothing to say, nowhere to say it
	case errors.As(err, &bad):
		fmt.Fprintln(w, "pulse-tail:", bad.msg)
		return exitBadInput
	case ctx.Err() != nil:
		return exitOK
	default:
		fmt.Fprintln(w, "pulse-tail:", err)
		return exitFailed
	}
}
