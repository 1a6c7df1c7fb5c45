package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"sync"
)

// debugLog is where SSOPICK_DEBUG's lines go: the file SSOPICK_DEBUG_FILE
// names, else stderr. While the picker owns the terminal, lines for stderr
// are held and written once it closes: they would scribble over the
// picker's screen.
type debugLog struct {
	mu sync.Mutex
	w  io.Writer
	// toTerminal: w is stderr, whose lines the picker holds.
	toTerminal bool
	held       *bytes.Buffer // non-nil while the picker is open
}

// openDebugLog is the debug writer for this environment, or nil when
// SSOPICK_DEBUG is not set.
func openDebugLog(getenv func(string) string, stderr io.Writer) (*debugLog, error) {
	if getenv("SSOPICK_DEBUG") == "" {
		return nil, nil
	}
	if path := getenv("SSOPICK_DEBUG_FILE"); path != "" {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			return nil, fmt.Errorf("open SSOPICK_DEBUG_FILE: %w", err)
		}
		return &debugLog{w: f}, nil // closed by the process's exit
	}
	return &debugLog{w: stderr, toTerminal: true}, nil
}

func (d *debugLog) Write(p []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.held != nil {
		return d.held.Write(p)
	}
	return d.w.Write(p)
}

// holdWhile holds lines meant for stderr until release is called; a file
// is written at once.
func (d *debugLog) holdWhile() (release func()) {
	if d == nil {
		return func() {}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.toTerminal {
		return func() {}
	}
	d.held = &bytes.Buffer{}
	return func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		_, _ = d.held.WriteTo(d.w)
		d.held = nil
	}
}
