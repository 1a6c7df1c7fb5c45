//go:build windows

package launch

import "os"

// swallowed: Ctrl-C reaches every process attached to the console, the
// child included, so ssopick only catches it to outlive the child and pass
// its status on.
var swallowed = []os.Signal{os.Interrupt}

// forwarded: none. Windows cannot deliver a signal to one other process,
// and the console's events already reach the child.
var forwarded []os.Signal
