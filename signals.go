package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/ssopick/ssopick/launch"
)

// stoppingSignals end ssopick's work: Ctrl-C or kill by default, SIGHUP
// when the terminal goes away, SIGQUIT (Ctrl-\). Each cancels the context,
// so the picker restores the terminal (cooked mode, cursor, main screen)
// and the process exits 128+N, as a shell reports a death by signal N.
var stoppingSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT}

// cancelOnSignals cancels with a *signalError when one of stoppingSignals
// arrives, until stop is called. Signals ignored at start (nohup, a
// script's background job) stay ignored. While launch.Run waits for a
// child, signals are its business: it lets the child have the terminal's
// and forwards the rest, and ssopick then exits with the child's status.
func cancelOnSignals(cancel context.CancelCauseFunc) (stop func()) {
	var caught []os.Signal
	for _, s := range stoppingSignals {
		if !signal.Ignored(s) {
			caught = append(caught, s)
		}
	}
	sigs := make(chan os.Signal, len(stoppingSignals))
	if len(caught) > 0 { // with no signals, Notify would relay them all
		signal.Notify(sigs, caught...)
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				if !launch.ChildRunning() {
					cancel(&signalError{sig: s})
				}
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(sigs)
		close(done)
	}
}
