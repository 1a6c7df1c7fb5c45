//go:build windows

package launch

import "os"

// forwarded are the signals passed on to the child: Windows has Ctrl-C.
var forwarded = []os.Signal{os.Interrupt}
