package ui

import (
	"slices"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ssopick/ssopick/aws"
	"github.com/ssopick/ssopick/sandbox"
)

// benchRows is a realistic catalogue of n rows from the sandbox's
// organisation generator.
func benchRows(n int) []aws.Row {
	org := sandbox.NewOrganisation(n/2, 1)
	var rows []aws.Row
	for _, a := range org.Accounts {
		for _, r := range a.Roles {
			rows = append(rows, aws.Row{AccountID: a.ID, AccountName: a.Name, Email: a.Email, RoleName: r, Session: "acme"})
			if len(rows) == n {
				aws.SortRows(rows)
				return rows
			}
		}
	}
	aws.SortRows(rows)
	return rows
}

// BenchmarkKeystroke measures Update+View for one typed character on a
// 20,000-row catalogue, as the picker does per key. It reports the median
// and 99th percentile besides the mean.
func BenchmarkKeystroke(b *testing.B) {
	src := &fakeSource{label: "acme", cached: benchRows(20000), signedIn: true}
	m := newTestApp(src)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	query := []rune("acme pay prod adm")
	durations := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		k := i % (len(query) + 1)
		var msg tea.KeyPressMsg
		if k == len(query) {
			msg = tea.KeyPressMsg{Code: tea.KeyEscape} // clear and start again
		} else {
			msg = tea.KeyPressMsg{Code: query[k], Text: string(query[k])}
		}
		start := time.Now()
		m.Update(msg)
		_ = m.View()
		durations = append(durations, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(durations)
	b.ReportMetric(float64(durations[len(durations)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(durations[len(durations)*99/100].Microseconds())/1000, "p99-ms")
}

// BenchmarkFirstFrame measures building the app from a 20,000-row cached
// catalogue and rendering its first frame.
func BenchmarkFirstFrame(b *testing.B) {
	rows := benchRows(20000)
	for b.Loop() {
		m := newTestApp(&fakeSource{label: "acme", cached: rows, signedIn: true})
		m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		_ = m.View()
	}
}
