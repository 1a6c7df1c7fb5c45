package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/ssopick/ssopick/aws"
)

// signInOptions choose the sign-in flow.
type signInOptions struct {
	DeviceCode bool // use the device code flow
	NoBrowser  bool // print URLs instead of opening them
}

// signIn runs an interactive sign-in for conn's session on the terminal.
// Whatever the flow, the URL (and code) go to stderr in full, so that a
// missing or failing browser never leaves the person waiting on nothing.
func signIn(ctx context.Context, f *factory, conn *aws.Conn, o signInOptions) error {
	label := conn.Session.Label()
	canOpen := !o.NoBrowser && f.Browser.CanOpen()
	open := func(url string) {
		if !canOpen {
			return
		}
		if err := f.Browser.Open(url); err != nil {
			fmt.Fprintf(f.ErrOut, "Could not open a browser (%v); open the URL above yourself.\n", err)
		}
	}
	var tok *aws.Token
	var err error
	switch aws.ChooseFlow(o.DeviceCode, o.NoBrowser, canOpen) {
	case aws.FlowDeviceCode:
		tok, err = conn.Auth.SignInWithDeviceCode(ctx, func(d aws.DeviceCode) {
			fmt.Fprintf(f.ErrOut, "Sign in to %s: open this URL in a browser on any device and confirm the code %s (valid until %s):\n%s\n",
				label, d.UserCode, d.ExpiresAt.Local().Format(time.Kitchen), d.VerificationURIComplete)
			open(d.VerificationURIComplete)
			fmt.Fprintln(f.ErrOut, "Waiting for approval… (Ctrl-C to cancel)")
		})
	case aws.FlowBrowser:
		tok, err = conn.Auth.SignInWithBrowser(ctx, func(url string) error {
			if canOpen {
				fmt.Fprintf(f.ErrOut, "Sign in to %s in the browser window that opens. If none opens, open this URL in a browser on this machine:\n%s\n", label, url)
			} else {
				fmt.Fprintf(f.ErrOut, "Sign in to %s: open this URL in a browser on this machine:\n%s\n", label, url)
			}
			open(url)
			fmt.Fprintln(f.ErrOut, "Waiting for the browser… (Ctrl-C to cancel; `ssopick login --use-device-code` signs in from another device)")
			return nil
		})
	}
	if err != nil {
		return fmt.Errorf("sign in to %s: %w", label, err)
	}
	fmt.Fprintf(f.ErrOut, "Signed in to %s until %s.\n", label, tok.ExpiresAt.Local().Format(time.Kitchen))
	return nil
}

// progressPrinter draws "Listing acme: 120/400 accounts" on one line of w.
func progressPrinter(w io.Writer, label string) func(aws.Progress) {
	return func(p aws.Progress) {
		fmt.Fprintf(w, "\rListing %s: %d/%d accounts", label, p.AccountsDone, p.AccountsTotal)
		if p.AccountsDone == p.AccountsTotal && p.AccountsTotal > 0 {
			fmt.Fprint(w, "\r\033[K")
		}
	}
}
