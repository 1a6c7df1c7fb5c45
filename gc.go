package main

import (
	"math"
	"os"
	"runtime/debug"
	"time"
)

// startupGCLimit bounds the heap while the collector is off at start.
const startupGCLimit = 128 << 20

// collectLaterAtStart turns the garbage collector off for the first second
// of the process, bounded by a memory limit. Most commands (list, status,
// credential-process, env) are over before a collection could pay for
// itself: one would start mark workers and stop the world in the middle of
// reading the catalogue, for garbage that the exit frees anyway. The
// picker, shells and servers that live on get the default collector back
// a second in, after the picker's first frame. GOGC or GOMEMLIMIT set by
// the person win.
func collectLaterAtStart() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	percent := debug.SetGCPercent(-1)
	debug.SetMemoryLimit(startupGCLimit)
	time.AfterFunc(time.Second, func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(math.MaxInt64)
	})
}
