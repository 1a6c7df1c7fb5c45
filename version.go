package main

import (
	"fmt"
	"runtime"
)

// Set by the release build through -ldflags (see .goreleaser.yaml).
var (
	version = "dev"
	commit  = "none"
	date    = "unknown"
)

// versionLine is what --version prints after "ssopick".
func versionLine() string {
	return fmt.Sprintf("%s (commit %s, built %s, %s)", version, commit, date, runtime.Version())
}
