package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/ssopick/ssopick/aws"
	"github.com/ssopick/ssopick/ui"
	"github.com/ssopick/ssopick/ui/match"
)

// filterRows keeps the rows matching query, best match first, ranked by
// the picker's matcher over texts, the rows' SearchText. A pasted ARN,
// account id or console URL in query keeps its account's rows (every row
// when it names none), ranked by the query's other words, as in the
// picker.
func filterRows(rows []aws.Row, texts []string, query string) []aws.Row {
	candidates, rest, _ := aws.PasteCandidates(rows, query)
	results := match.New(texts).Match(rest, candidates)
	out := make([]aws.Row, len(results))
	for i, r := range results {
		out[i] = rows[r.Index]
	}
	return out
}

// rowFormat is how printRows lays rows out.
type rowFormat int

const (
	rowsTSV   rowFormat = iota // "account_id account_name role_name [sso_session]" lines, for pipes
	rowsTable                  // aligned columns with a header, for people
	rowsJSON                   // a JSON array, for scripts
)

// printRows writes rows to w through one buffer: 20,000 rows must not cost
// 20,000 writes. Names are printed made visible (ui.Visible), so neither a
// terminal nor the columns can be taken over by one; only JSON is exact.
// The tab-separated lines carry the session as a fourth column when the
// rows come from more than one, so no two rows read the same.
func printRows(out io.Writer, rows []aws.Row, format rowFormat) error {
	w := bufio.NewWriterSize(out, 64<<10)
	switch format {
	case rowsJSON:
		w.WriteString("[")
		for i, r := range rows {
			if i > 0 {
				w.WriteString(",")
			}
			w.WriteString("\n  {\"accountId\": ")
			writeJSONString(w, r.AccountID)
			w.WriteString(", \"accountName\": ")
			writeJSONString(w, r.AccountName)
			w.WriteString(", \"emailAddress\": ")
			writeJSONString(w, r.Email)
			w.WriteString(", \"roleName\": ")
			writeJSONString(w, r.RoleName)
			w.WriteString(", \"ssoSession\": ")
			writeJSONString(w, r.Session)
			if c := r.Chain; c != nil {
				w.WriteString(", \"profile\": ")
				writeJSONString(w, c.Profile)
				w.WriteString(", \"sourceAccountId\": ")
				writeJSONString(w, c.From.AccountID)
				w.WriteString(", \"sourceRoleName\": ")
				writeJSONString(w, c.From.RoleName)
			}
			w.WriteString("}")
		}
		if len(rows) > 0 {
			w.WriteString("\n")
		}
		w.WriteString("]\n")
	case rowsTable:
		tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
		fmt.Fprintln(tw, "ACCOUNT\tID\tROLE\tEMAIL\tSSO SESSION")
		for _, r := range rows {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", ui.Visible(r.AccountName), ui.Visible(r.AccountID), ui.Visible(r.RoleName), ui.Visible(r.Detail()), ui.Visible(r.Session))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	default:
		withSession := manySessions(rows)
		for _, r := range rows {
			w.WriteString(ui.Visible(r.AccountID) + "\t" + ui.Visible(r.AccountName) + "\t" + ui.Visible(r.RoleName))
			if withSession {
				w.WriteString("\t" + ui.Visible(r.Session))
			}
			if r.Chain != nil {
				w.WriteString("\tprofile:" + ui.Visible(r.Chain.Profile))
			}
			w.WriteByte('\n')
		}
	}
	return w.Flush()
}

// manySessions reports whether rows come from more than one session.
func manySessions(rows []aws.Row) bool {
	for _, r := range rows {
		if r.Session != rows[0].Session {
			return true
		}
	}
	return false
}

// writeJSONString writes s as a JSON string, with a fast path for the
// plain text account names and roles almost always are.
func writeJSONString(w *bufio.Writer, s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' || c >= 0x80 {
			raw, _ := json.Marshal(s)
			w.Write(raw)
			return
		}
	}
	w.WriteByte('"')
	w.WriteString(s)
	w.WriteByte('"')
}
