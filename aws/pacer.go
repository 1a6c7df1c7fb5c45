package aws

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"golang.org/x/time/rate"
)

// The portal's rate limit is not published and differs between
// organisations, so the Pacer finds it: it starts modestly, doubles its
// rate while no call is throttled (slow start), and after the first 429
// settles into additive increase and multiplicative decrease around the
// limit, like TCP congestion control. One Pacer is shared by every worker,
// so concurrency never multiplies the request rate.
type Pacer struct {
	mu        sync.Mutex
	limiter   *rate.Limiter
	rate      float64
	slowStart bool
	successes int // since the last rate change
	lastCut   time.Time
}

const (
	initialRate   = 20.0 // the limit most often reported
	minRate       = 1.0
	maxRate       = 1000.0
	decreaseRatio = 0.75
)

// burst lets a small organisation list in one go: the first few calls
// leave at once, and an idle pacer saves up that many again.
const burst = 10

// NewPacer returns a pacer in slow start.
func NewPacer() *Pacer {
	return &Pacer{limiter: rate.NewLimiter(rate.Limit(initialRate), burst), rate: initialRate, slowStart: true}
}

// Wait blocks until the next call may be sent.
func (p *Pacer) Wait(ctx context.Context) error { return p.limiter.Wait(ctx) }

// Rate is the current request rate in calls per second.
func (p *Pacer) Rate() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rate
}

// Success records an unthrottled call.
func (p *Pacer) Success() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.successes++
	if float64(p.successes) < p.rate {
		return // change the rate about once per second's worth of calls
	}
	p.successes = 0
	if p.slowStart {
		p.setRate(p.rate * 2)
	} else {
		p.setRate(p.rate + max(1, p.rate*0.05))
	}
}

// Throttled records a 429 and slows down, at most once per round trip so
// that one burst of 429s counts as one signal.
func (p *Pacer) Throttled() {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if now.Sub(p.lastCut) < time.Duration(float64(time.Second)*5/p.rate)+100*time.Millisecond {
		return
	}
	p.lastCut = now
	p.slowStart = false
	p.successes = 0
	p.setRate(p.rate * decreaseRatio)
}

func (p *Pacer) setRate(r float64) {
	p.rate = min(max(r, minRate), maxRate)
	p.limiter.SetLimit(rate.Limit(p.rate))
}

// maxServerErrorAttempts bounds retries of 5xx and network errors;
// throttling is retried for as long as the context lives.
const maxServerErrorAttempts = 10

// call runs fn under the pacer, retrying throttling and transient server
// errors with jittered backoff.
func (p *Pacer) call(ctx context.Context, fn func() error) error {
	failures := 0
	for {
		if err := p.Wait(ctx); err != nil {
			return err
		}
		err := fn()
		switch classify(ctx, err) {
		case callOK:
			p.Success()
			return nil
		case callThrottled:
			p.Throttled()
			// The limiter already spaces the retry; a little jitter keeps
			// workers from retrying in lock step.
			if err := sleep(ctx, time.Duration(rand.Int64N(int64(200*time.Millisecond)))); err != nil {
				return err
			}
		case callTransient:
			failures++
			if failures >= maxServerErrorAttempts || ctx.Err() != nil {
				return err
			}
			backoff := min(5*time.Second, 50*time.Millisecond<<failures)
			if err := sleep(ctx, backoff/2+time.Duration(rand.Int64N(int64(backoff/2)))); err != nil {
				return err
			}
		default:
			return err
		}
	}
}

type callClass int

const (
	callOK callClass = iota
	callThrottled
	callTransient
	callFatal
)

// classify says what to do about a portal call's outcome. Listing and role
// credentials are idempotent, so anything that may pass is retried:
// throttling, 5xx, a connection reset or dropped (also when the answer was
// cut off while being read) and a request that timed out. The caller's own
// context ending, a refusal (4xx) and a problem no retry can mend (an
// unknown host, an untrusted certificate) end the call.
func classify(ctx context.Context, err error) callClass {
	if err == nil {
		return callOK
	}
	if ctx.Err() != nil {
		return callFatal
	}
	var ne *NetworkError
	var setup *ClientSetupError
	if errors.As(err, &ne) && ne.Permanent || errors.As(err, &setup) {
		return callFatal
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		switch status := re.HTTPStatusCode(); {
		case status == http.StatusTooManyRequests:
			return callThrottled
		case status >= 500, status < 300:
			// A 2xx whose body could not be read was cut off mid-answer.
			return callTransient
		default:
			return callFatal
		}
	}
	// No HTTP response at all: a reset or dropped connection, or a request
	// that timed out.
	return callTransient
}
