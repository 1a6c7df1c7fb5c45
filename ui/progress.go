package ui

import (
	"fmt"
	"strconv"
	"time"

	"github.com/ssopick/ssopick/aws"
)

// rateWindow is how far back the measured listing speed looks, and
// minRateSpan how much of a listing it needs to see first.
const (
	rateWindow  = 10 * time.Second
	minRateSpan = 3 * time.Second
)

// progressSample is how many accounts a listing had done at a moment.
type progressSample struct {
	at   time.Time
	done int
}

// record notes the accounts done at now, keeping the samples of the last
// rateWindow (and the one just before it).
func (s *session) record(now time.Time, done int) {
	s.samples = append(s.samples, progressSample{now, done})
	drop := 0
	for drop+1 < len(s.samples) && now.Sub(s.samples[drop+1].at) >= rateWindow {
		drop++
	}
	s.samples = s.samples[drop:]
}

// listingRate is the speed, in accounts per second, that the estimate of
// the time left assumes. Once a few seconds of the listing have been seen,
// it is the speed measured over the last rateWindow: the portal's latency
// may hold a listing back more than the pacer does, and the pacer's rate
// saws up and down around the portal's limit. Before that, it is the
// pacer's current rate (about one call per account is left). 0 when
// neither is known.
func (s *session) listingRate() float64 {
	if len(s.samples) >= 2 {
		first, last := s.samples[0], s.samples[len(s.samples)-1]
		if span := last.at.Sub(first.at); span >= minRateSpan {
			return float64(last.done-first.done) / span.Seconds()
		}
	}
	return s.progress.Rate
}

// listingText says what a listing in progress knows. While account pages
// still arrive it counts the accounts known so far and those whose roles
// are listed, claiming no share of a total nobody knows yet; once the
// account list is complete, it gives both and the time left at rate
// accounts per second.
func listingText(p aws.Progress, rate float64) string {
	switch {
	case p.AccountsTotal == 0:
		return "listing accounts…"
	case !p.AccountsComplete:
		return fmt.Sprintf("%s %s so far, roles for %s", thousands(p.AccountsTotal), plural(p.AccountsTotal, "account", "accounts"), thousands(p.AccountsDone))
	}
	text := fmt.Sprintf("roles for %s of %s %s", thousands(p.AccountsDone), thousands(p.AccountsTotal), plural(p.AccountsTotal, "account", "accounts"))
	if left := p.AccountsTotal - p.AccountsDone; left > 0 && rate > 0 {
		text += ", " + aboutText(time.Duration(float64(left)/rate*float64(time.Second))) + " to go"
	}
	return text
}

// aboutText is an estimate of a duration, as precise as it can be:
// "a few seconds", "about 40s", "about 2m30s", "about 12m", "about 1h05m".
func aboutText(d time.Duration) string {
	switch {
	case d < 10*time.Second:
		return "a few seconds"
	case d < time.Minute:
		return fmt.Sprintf("about %ds", int(d.Round(5*time.Second).Seconds()))
	case d < 10*time.Minute:
		d = d.Round(10 * time.Second)
		if s := int(d.Seconds()) % 60; s != 0 {
			return fmt.Sprintf("about %dm%02ds", int(d.Minutes()), s)
		}
		return fmt.Sprintf("about %dm", int(d.Minutes()))
	case d < time.Hour:
		return fmt.Sprintf("about %dm", int(d.Round(time.Minute).Minutes()))
	}
	d = d.Round(time.Minute)
	return fmt.Sprintf("about %dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

// thousands writes n with commas between groups of three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
