package main

import (
	"context"
	"errors"
	"fmt"
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

// exitCode is the process's exit status for err: the one an exitError
// carries, 130 for a cancellation (Ctrl-C), else 1.
func exitCode(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
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
	if errors.Is(err, context.Canceled) {
		return "cancelled"
	}
	return err.Error()
}
