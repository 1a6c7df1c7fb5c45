package ui

import (
	"context"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ssopick/ssopick/aws"
)

// Source is one SSO session as the UI sees it. aws.Conn provides it
// through ConnSource; tests use fakes.
type Source interface {
	Label() string
	// Cached is the catalogue on disk, or an error if there is none.
	Cached() (*aws.Catalogue, error)
	// Token returns when the sign-in expires, refreshing it if needed;
	// aws.ErrSignInRequired when the person must sign in.
	Token(ctx context.Context) (time.Time, error)
	SignInDevice(ctx context.Context, show func(aws.DeviceCode)) (time.Time, error)
	SignInBrowser(ctx context.Context, open func(url string) error) (time.Time, error)
	// Fetch lists the catalogue from the portal and caches it.
	Fetch(ctx context.Context, progress func(aws.Progress)) (*aws.Catalogue, error)
}

// ConnSource adapts an aws.Conn.
type ConnSource struct{ Conn *aws.Conn }

func (c ConnSource) Label() string                   { return c.Conn.Session.Label() }
func (c ConnSource) Cached() (*aws.Catalogue, error) { return c.Conn.Cached() }

func (c ConnSource) Token(ctx context.Context) (time.Time, error) {
	tok, err := c.Conn.Auth.Token(ctx)
	if err != nil {
		return time.Time{}, err
	}
	return tok.ExpiresAt, nil
}

func (c ConnSource) SignInDevice(ctx context.Context, show func(aws.DeviceCode)) (time.Time, error) {
	tok, err := c.Conn.Auth.SignInWithDeviceCode(ctx, show)
	if err != nil {
		return time.Time{}, err
	}
	return tok.ExpiresAt, nil
}

func (c ConnSource) SignInBrowser(ctx context.Context, open func(string) error) (time.Time, error) {
	tok, err := c.Conn.Auth.SignInWithBrowser(ctx, open)
	if err != nil {
		return time.Time{}, err
	}
	return tok.ExpiresAt, nil
}

func (c ConnSource) Fetch(ctx context.Context, progress func(aws.Progress)) (*aws.Catalogue, error) {
	return c.Conn.Fetch(ctx, progress)
}

// Messages from background work. Each names its session by index into the
// app's sources.
type (
	// tokenMsg answers the start-up check of a session's sign-in.
	tokenMsg struct {
		source  int
		expires time.Time
		err     error
	}
	// fetchProgressMsg reports listing progress and newly found rows.
	fetchProgressMsg struct {
		source   int
		progress aws.Progress
	}
	// fetchDoneMsg ends a listing.
	fetchDoneMsg struct {
		source int
		cat    *aws.Catalogue
		err    error
	}
	// signInPromptMsg carries what the person must do to sign in.
	signInPromptMsg struct {
		source int
		device *aws.DeviceCode // device flow
		url    string          // browser flow: the authorize URL
	}
	// signInDoneMsg ends a sign-in.
	signInDoneMsg struct {
		source  int
		expires time.Time
		err     error
	}
	// stateSavedMsg reports a failed save of recents and stars.
	stateSavedMsg struct{ err error }
	// tickMsg redraws time-dependent text (time left, spinners aside).
	tickMsg time.Time
)

// checkToken asks whether source i is signed in, refreshing if needed.
func checkToken(ctx context.Context, i int, s Source) tea.Cmd {
	return func() tea.Msg {
		exp, err := s.Token(ctx)
		return tokenMsg{source: i, expires: exp, err: err}
	}
}

// stream runs work in the background and turns what it sends into
// messages, one per listen. The channel closes when work returns.
type stream chan tea.Msg

func (s stream) listen() tea.Cmd {
	return func() tea.Msg {
		msg, ok := <-s
		if !ok {
			return nil
		}
		return streamMsg{s: s, msg: msg}
	}
}

// streamMsg wraps a message from a stream so the app can listen again.
type streamMsg struct {
	s   stream
	msg tea.Msg
}

// startStream runs work in a goroutine; what it sends is dropped once ctx
// ends, so work never blocks on a UI that has gone. A panic in work does
// not kill the process behind Bubble Tea's back (leaving the terminal
// raw): it becomes the message crashed makes of it.
func startStream(ctx context.Context, work func(send func(tea.Msg)), crashed func(error) tea.Msg) stream {
	s := make(stream, 64)
	send := func(m tea.Msg) {
		select {
		case s <- m:
		case <-ctx.Done():
		}
	}
	go func() {
		defer close(s)
		defer func() {
			if r := recover(); r != nil {
				send(crashed(fmt.Errorf("internal error: %v", r)))
			}
		}()
		work(send)
	}()
	return s
}

// fetch lists source i's catalogue, streaming progress.
func fetch(ctx context.Context, i int, src Source) stream {
	return startStream(ctx, func(send func(tea.Msg)) {
		cat, err := src.Fetch(ctx, func(p aws.Progress) { send(fetchProgressMsg{source: i, progress: p}) })
		send(fetchDoneMsg{source: i, cat: cat, err: err})
	}, func(err error) tea.Msg { return fetchDoneMsg{source: i, err: err} })
}

// signIn runs a sign-in for source i: the device flow when device is set,
// else the browser flow with open showing the authorize URL.
func signIn(ctx context.Context, i int, src Source, device bool, open func(string) error) stream {
	return startStream(ctx, func(send func(tea.Msg)) {
		var exp time.Time
		var err error
		if device {
			exp, err = src.SignInDevice(ctx, func(d aws.DeviceCode) { send(signInPromptMsg{source: i, device: &d}) })
		} else {
			exp, err = src.SignInBrowser(ctx, func(url string) error {
				send(signInPromptMsg{source: i, url: url})
				if err := open(url); err != nil {
					send(browserOpenedMsg{err: err})
				}
				return nil
			})
		}
		send(signInDoneMsg{source: i, expires: exp, err: err})
	}, func(err error) tea.Msg { return signInDoneMsg{source: i, err: err} })
}

func tick() tea.Cmd {
	return tea.Tick(time.Second, func(t time.Time) tea.Msg { return tickMsg(t) })
}
