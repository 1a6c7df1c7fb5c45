package ui

import (
	"context"
	"fmt"
	"io"
	"os"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// Run shows the app on the terminal until the person chooses or quits.
// The terminal is restored on every way out: a choice, Ctrl-C, a signal
// cancelling ctx, an error or a panic (Bubble Tea recovers it).
func Run(ctx context.Context, opts Options, in io.Reader, out io.Writer) (Result, error) {
	// The renderer measures the picker's glyphs (❯, ▸, …) the way wcwidth
	// does, and the first such glyph makes go-runewidth fill a 2 MB table.
	// Filled here on the other core while the rows load, it is ready by
	// the first frame instead of delaying it (8 ms on a small VM).
	go ansi.WcWidth.StringWidth("❯")
	m := New(opts)
	defer m.cancel()
	// Signals are the caller's: SIGINT, SIGTERM, SIGHUP and SIGQUIT cancel
	// ctx, which ends the program with an error wrapping context.Canceled
	// after the terminal is restored, so the process exits non-zero.
	p := tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out), tea.WithoutSignalHandler())
	if _, err := p.Run(); err != nil {
		return Result{}, fmt.Errorf("run the picker: %w", err)
	}
	return m.Result(), nil
}

// OpenTerminal opens the controlling terminal for reading keys and drawing
// (/dev/tty; CONIN$ and CONOUT$ on Windows), for when the standard streams
// are pipes, as in URL=$(ssopick console --print-url). It fails where there
// is no terminal at all. The caller closes both files (on Unix they are the
// same file).
func OpenTerminal() (in, out *os.File, err error) {
	return tea.OpenTTY()
}
