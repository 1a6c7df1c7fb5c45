package ui

import "testing"

func TestPastedARNPutsItsAccountFirst(t *testing.T) {
	st := emptyState()
	rows := testRows("acme")
	p := newPicker(st)
	p.setHeight(50)
	p.setRows(rows, nil)
	// History still orders the account's rows, as without a paste.
	var recent int
	for i, r := range rows {
		if r.AccountID == "849075888875" && r.RoleName == "ReadOnlyAccess" {
			recent = i
		}
	}
	st.Used(rows[recent], testNow)
	p.stateChanged()

	for _, q := range []string{
		"arn:aws:lambda:us-east-1:849075888875:function:x",
		"8490-7588-8875",
		"849075888875",
		"https://849075888875-abcdefg.eu-west-1.console.aws.amazon.com/lambda/home?region=eu-west-1",
	} {
		p.setQuery(q)
		if len(p.results) != 3 {
			t.Fatalf("%s: %d results, want the account's 3 roles", q, len(p.results))
		}
		for _, it := range p.results {
			if r := p.rows[it.row]; r.AccountName != "acme-payments-prod" {
				t.Errorf("%s: %s in the results", q, r.AccountName)
			}
		}
		if got := selectedRow(t, p); got.RoleName != "ReadOnlyAccess" {
			t.Errorf("%s: the cursor is on %s, not the recent role", q, got.RoleName)
		}
	}

	// More words rank within the account.
	p.setQuery("arn:aws:lambda:us-east-1:849075888875:function:x view")
	if len(p.results) != 1 || selectedRow(t, p).RoleName != "ViewOnlyAccess" {
		t.Errorf("paste and a word: %d results", len(p.results))
	}

	// A paste naming no account filters nothing.
	p.setQuery("arn:aws:s3:::acme-logs")
	if len(p.results) != len(rows) {
		t.Errorf("s3 ARN: %d results, want every row", len(p.results))
	}

	// One more digit makes it a plain query again, matched in full.
	p.setQuery("8490758888751")
	if len(p.results) != 0 {
		t.Errorf("13 digits: %d results", len(p.results))
	}
	p.setQuery("84907")
	want := len(p.matcher.Match("84907", nil))
	if len(p.results) != want || want == 0 {
		t.Errorf("after a paste, %q: %d results, want %d", "84907", len(p.results), want)
	}
}
