package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/ssopick/ssopick/ui"
)

func newStatusCmd(f *factory) *cobra.Command {
	var short bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Print the role this shell holds and the minutes left (for prompts; no network)",
		Long: `Print the role an ssopick shell (or eval "$(ssopick env …)") holds and how
long its credentials last, from the environment alone: no files, no network
(for keys that ssopick renews, one request to the ssopick serving them, on
this machine), cheap enough for a prompt. Renewed keys show as "renewing". Exit status 1 when the credentials have expired
(less than half a minute left prints "expired" too) or this shell holds no
ssopick role. Names are printed with control characters made visible.`,
		Example: `  ssopick status            # ViewOnlyAccess @ acme-audit (123456789012), 42m left
  ssopick status --short    # ViewOnlyAccess@acme-audit 42m
  ssopick status            # ViewOnlyAccess @ acme-audit (123456789012), expired (exit status 1)`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			role, account := f.Getenv("SSOPICK_ROLE_NAME"), f.Getenv("SSOPICK_ACCOUNT_NAME")
			if role == "" {
				return &exitError{code: 1, err: errors.New("this shell holds no ssopick role; start one with `ssopick shell`"), quiet: short}
			}
			if uri := f.Getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI"); uri != "" && f.Getenv("AWS_CREDENTIAL_EXPIRATION") == "" {
				return servedStatus(f, uri, short)
			}
			exp, err := time.Parse(time.RFC3339, f.Getenv("AWS_CREDENTIAL_EXPIRATION"))
			if err != nil {
				return &exitError{code: 1, err: errors.New("AWS_CREDENTIAL_EXPIRATION is missing or not a time; start a new `ssopick shell`"), quiet: short}
			}
			// The exit status follows the words: Remaining rounds to the
			// minute, so a few seconds left print "expired", and fail too.
			left := ui.Remaining(time.Until(exp))
			expired := left == ui.Remaining(0)
			role, account = ui.Visible(role), ui.Visible(account)
			if short {
				fmt.Fprintf(f.Out, "%s@%s %s\n", role, account, left)
			} else {
				if !expired {
					left += " left"
				}
				fmt.Fprintf(f.Out, "%s @ %s (%s), %s\n", role, account, ui.Visible(f.Getenv("SSOPICK_ACCOUNT_ID")), left)
			}
			if expired {
				return &exitError{code: 1, quiet: true}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&short, "short", false, "print only role@account and the minutes left, and nothing on stderr")
	return cmd
}

// servedStatus is status for a shell whose keys ssopick serves and renews
// (launch.CredentialServer): it asks the server, which answers for as long
// as the sign-in lasts, and prints "renewing".
func servedStatus(f *factory, uri string, short bool) error {
	role, account := ui.Visible(f.Getenv("SSOPICK_ROLE_NAME")), ui.Visible(f.Getenv("SSOPICK_ACCOUNT_NAME"))
	state, err := askCredentialServer(uri, f.Getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN"))
	if err != nil {
		state = "expired"
	}
	if short {
		fmt.Fprintf(f.Out, "%s@%s %s\n", role, account, state)
	} else {
		fmt.Fprintf(f.Out, "%s @ %s (%s), %s\n", role, account, ui.Visible(f.Getenv("SSOPICK_ACCOUNT_ID")), state)
	}
	if err != nil {
		return &exitError{code: 1, err: err, quiet: short}
	}
	return nil
}

// askCredentialServer asks the ssopick serving this shell's keys whether
// it still can.
func askCredentialServer(uri, token string) (string, error) {
	req, err := http.NewRequest(http.MethodGet, uri, nil)
	if err != nil {
		return "", errors.New("AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL; start a new `ssopick shell`")
	}
	req.Header.Set("Authorization", token)
	resp, err := (&http.Client{Timeout: 2 * time.Second}).Do(req)
	if err != nil {
		return "", errors.New("the ssopick that served this shell's keys has ended; start a new `ssopick shell`")
	}
	defer resp.Body.Close()
	var answer struct{ Message string }
	if resp.StatusCode != http.StatusOK {
		_ = json.NewDecoder(io.LimitReader(resp.Body, 4096)).Decode(&answer)
		return "", fmt.Errorf("the keys can no longer be renewed: %s", ui.Visible(answer.Message))
	}
	return "renewing", nil
}
