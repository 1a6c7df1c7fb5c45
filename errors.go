package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
)

// exitError carries the exit status a failure should end the process with.
// A quiet one prints nothing: a child's status passed on, say.
type exitError struct {
	code  int
	err   error
	quiet bool
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// errCancelled ends the picker when the person leaves it without choosing
// (Ctrl-C, or Esc on an empty query): status 130 and no message, as fzf
// does, so `ssopick console && next-step` does not run next-step.
var errCancelled = &exitError{code: 130, err: context.Canceled, quiet: true}

// signalError is the cause of a cancellation by a signal.
type signalError struct{ sig os.Signal }

func (e *signalError) Error() string {
	if e.sig == os.Interrupt {
		return "cancelled"
	}
	return fmt.Sprintf("stopped (%v)", e.sig)
}

// code is 128+N for signal N, as shells report a death by signal.
func (e *signalError) code() int {
	if s, ok := e.sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 130
}

// withSignal names the signal that cancelled the work when err is that
// cancellation; cause is the context's.
func withSignal(err, cause error) error {
	var se *signalError
	if errors.As(cause, &se) && errors.Is(err, context.Canceled) {
		return se
	}
	return err
}

// exitCode is the process's exit status for err: the one an exitError
// carries, 128+N for a stop by signal N, 130 for another cancellation
// (Ctrl-C), else 1.
func exitCode(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	var se *signalError
	if errors.As(err, &se) {
		return se.code()
	}
	if errors.Is(err, context.Canceled) {
		return 130
	}
	return 1
}

// userMessage is what the person sees: the error chain as one sentence.
func userMessage(err error) string {
	var ee *exitError
	if errors.As(err, &ee) && ee.quiet {
		return ""
	}
	var se *signalError
	if errors.As(err, &se) {
		return se.Error()
	}
	if errors.Is(err, context.Canceled) {
		return "cancelled"
	}
	return err.Error()
}
