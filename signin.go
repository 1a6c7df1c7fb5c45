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

// signIn runs an interactive sign-in for conn's session on the terminal:
// what to open and confirm goes to stderr.
func signIn(ctx context.Context, f *factory, conn *aws.Conn, o signInOptions) error {
	label := conn.Session.Label()
	canOpen := !o.NoBrowser && f.Browser.CanOpen()
	var tok *aws.Token
	var err error
	switch aws.ChooseFlow(o.DeviceCode, o.NoBrowser, canOpen) {
	case aws.FlowDeviceCode:
		tok, err = conn.Auth.SignInWithDeviceCode(ctx, func(d aws.DeviceCode) {
			fmt.Fprintf(f.ErrOut, "Sign in to %s: open %s\nand confirm the code %s (valid until %s).\n",
				label, d.VerificationURI, d.UserCode, d.ExpiresAt.Local().Format(time.Kitchen))
			if canOpen {
				if err := f.Browser.Open(d.VerificationURIComplete); err != nil {
					fmt.Fprintf(f.ErrOut, "Could not open a browser (%v); open the URL yourself.\n", err)
				}
			}
			fmt.Fprintln(f.ErrOut, "Waiting for approval…")
		})
	case aws.FlowBrowser:
		tok, err = conn.Auth.SignInWithBrowser(ctx, func(url string) error {
			if o.NoBrowser {
				fmt.Fprintf(f.ErrOut, "Sign in to %s: open this URL in a browser on this machine:\n%s\n", label, url)
				return nil
			}
			fmt.Fprintf(f.ErrOut, "Sign in to %s in the browser window that opens.\n", label)
			if err := f.Browser.Open(url); err != nil {
				// Keep listening: the person can still open the URL.
				fmt.Fprintf(f.ErrOut, "Could not open a browser (%v). Open this URL in a browser on this machine:\n%s\n", err, url)
				return nil
			}
			fmt.Fprintln(f.ErrOut, "Waiting for the browser…")
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
