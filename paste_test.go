package main

import (
	"strings"
	"testing"
)

// Paste to jump: `ssopick list` with a pasted ARN, account id or console
// URL lists that account's roles, whatever the catalogue order.
func TestListPastedARNOrAccountIDPutsThatAccountFirst(t *testing.T) {
	t.Parallel()
	e, _ := signedInEnv(t)
	org := e.srv.Organisation()
	// An account late in the list, so that first is not by chance.
	acct := org.Accounts[len(org.Accounts)-2]
	dashed := acct.ID[:4] + "-" + acct.ID[4:8] + "-" + acct.ID[8:]
	for _, query := range [][]string{
		{"arn:aws:lambda:us-east-1:" + acct.ID + ":function:x"},
		{dashed},
		{acct.ID},
		{"arn:aws:iam::" + acct.ID + ":role/deploy/x"},
		{"https://" + acct.ID + "-abcdefg.eu-west-1.console.aws.amazon.com/lambda/home?region=eu-west-1#/functions/x"},
	} {
		out := e.run(t, ssopickBinary, append([]string{"list"}, query...)...)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != len(acct.Roles) {
			t.Errorf("list %s: %d rows, want the account's %d roles:\n%s", query[0], len(lines), len(acct.Roles), out)
		}
		for _, l := range lines {
			if !strings.HasPrefix(l, acct.ID+"\t"+acct.Name+"\t") {
				t.Errorf("list %s: row of another account: %q", query[0], l)
			}
		}
	}

	// Other words rank within the account.
	out := e.run(t, ssopickBinary, "list", dashed, acct.Roles[0])
	if first, _, _ := strings.Cut(out, "\n"); first != acct.ID+"\t"+acct.Name+"\t"+acct.Roles[0] {
		t.Errorf("list %s %s: first row %q", dashed, acct.Roles[0], first)
	}
	// --json too.
	if out := e.run(t, ssopickBinary, "list", "--json", dashed); strings.Count(out, `"accountId": "`+acct.ID+`"`) != len(acct.Roles) {
		t.Errorf("list --json %s:\n%s", dashed, out)
	}

	// An account of no row: nothing matches, one sentence.
	_, stderr, code := e.try(ssopickBinary, "list", "arn:aws:lambda:us-east-1:000000000001:function:x")
	if code == 0 || !strings.Contains(stderr, "no account or role matches") {
		t.Errorf("unknown account: exit %d %q", code, stderr)
	}
	// A paste naming no account keeps every row.
	all := e.run(t, ssopickBinary, "list")
	if got := e.run(t, ssopickBinary, "list", "arn:aws:s3:::acme-logs"); got != all {
		t.Errorf("an S3 ARN filtered the list")
	}
}

func TestPastedConsoleOpensTheResourcesPage(t *testing.T) {
	t.Parallel()
	const arn = "arn:aws:lambda:eu-west-1:123456789012:function:pay"
	const page = "https://eu-west-1.console.aws.amazon.com/lambda/home?region=eu-west-1#/functions/pay"
	for _, tc := range []struct {
		name, query, region string
		o                   consoleOptions
		wantRegion          string
		want                consoleOptions
	}{
		{"an ARN: its page and region", "prod " + arn, "", consoleOptions{}, "eu-west-1", consoleOptions{Destination: page}},
		{"--region wins over the ARN's", arn, "us-east-1", consoleOptions{}, "us-east-1", consoleOptions{Destination: page}},
		{"--service wins", arn, "", consoleOptions{Service: "s3"}, "", consoleOptions{Service: "s3"}},
		{"--destination wins", arn, "", consoleOptions{Destination: "https://console.aws.amazon.com/iam/home"}, "",
			consoleOptions{Destination: "https://console.aws.amazon.com/iam/home"}},
		{"an S3 bucket: no region", "arn:aws:s3:::acme-logs", "", consoleOptions{}, "",
			consoleOptions{Destination: "https://s3.console.aws.amazon.com/s3/buckets/acme-logs"}},
		{"a console URL: itself", "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#Instances:", "", consoleOptions{},
			"eu-west-1", consoleOptions{Destination: "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#Instances:"}},
		{"an account id: nothing", "1234-5678-9012", "", consoleOptions{}, "", consoleOptions{}},
		{"a foreign URL: nothing", "https://evil.example/ec2/home", "", consoleOptions{}, "", consoleOptions{}},
		{"words: nothing", "prod admin", "", consoleOptions{PrintURL: true}, "", consoleOptions{PrintURL: true}},
	} {
		region, o := pastedConsole(tc.query, tc.region, tc.o)
		if region != tc.wantRegion || o != tc.want {
			t.Errorf("%s: pastedConsole = %q %+v, want %q %+v", tc.name, region, o, tc.wantRegion, tc.want)
		}
	}
}
