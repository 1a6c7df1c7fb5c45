package launch

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"time"

	"github.com/cli/browser"
	"github.com/google/shlex"
)

// Browser opens URLs: with the command in $BROWSER when set (the URL is
// its last argument), else with the platform's opener.
type Browser struct {
	// Command overrides $BROWSER (a --browser flag or preference).
	Command string
	Getenv  func(string) string
	// Stdout and Stderr receive the browser command's output; nil discards
	// it. Use a file (os.Stderr) or nil: the browser runs on after Open
	// returns, and any other writer would be written from another
	// goroutine and hold up the wait for the command.
	Stdout, Stderr io.Writer
}

// browserGrace is how long Open watches a browser command for an early
// failure; a browser that is still running after it is taken as opened.
const browserGrace = 300 * time.Millisecond

// ErrNoBrowser means no way to open a browser is known here.
var ErrNoBrowser = errors.New("no browser can be opened here")

// Open shows url in a browser.
func (b Browser) Open(url string) error {
	getenv := b.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	command := b.Command
	if command == "" {
		command = getenv("BROWSER")
	}
	if command != "" {
		args, err := shlex.Split(command)
		if err != nil || len(args) == 0 {
			return fmt.Errorf("the browser command %q cannot be parsed; fix $BROWSER or --browser", command)
		}
		cmd := exec.Command(args[0], append(args[1:], url)...)
		cmd.Stdout, cmd.Stderr = b.Stdout, b.Stderr
		// A browser started this way may run until it is closed: start it
		// and move on, reaping it in the background. One that fails at
		// once (BROWSER=false, a missing display) is reported, so the
		// caller can say so instead of waiting on a page nobody sees.
		if err := cmd.Start(); err != nil {
			return fmt.Errorf("open the browser with %q: %w", args[0], err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		select {
		case err := <-exited:
			if err != nil {
				return fmt.Errorf("the browser command %q failed (%v)", args[0], err)
			}
		case <-time.After(browserGrace):
		}
		return nil
	}
	if !b.CanOpen() {
		return ErrNoBrowser
	}
	browser.Stdout, browser.Stderr = b.Stdout, b.Stderr
	if err := browser.OpenURL(url); err != nil {
		return fmt.Errorf("open the browser: %w", err)
	}
	return nil
}

// CanOpen reports whether a browser can be shown: $BROWSER or a --browser
// command is set, or this is a desktop session (not a bare SSH login or a
// Linux console without a display).
func (b Browser) CanOpen() bool {
	getenv := b.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	if b.Command != "" || getenv("BROWSER") != "" {
		return true
	}
	switch runtime.GOOS {
	case "darwin", "windows":
		return getenv("SSH_CONNECTION") == "" && getenv("SSH_TTY") == ""
	}
	return getenv("DISPLAY") != "" || getenv("WAYLAND_DISPLAY") != ""
}
