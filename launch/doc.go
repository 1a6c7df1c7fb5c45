// Package launch holds ssopick's effects on the person's machine, once a
// role's credentials are in hand:
//
//	browser.go   open a URL: $BROWSER (or --browser) first, else the
//	             platform's opener; CanOpen says whether one can be opened
//	console.go   the one-shot loopback link that redirects the browser to
//	             the console sign-in, so no secret reaches a process's argv
//	env.go       the environment of a credentialed shell or command
//	exports.go   the same as statements for sh, fish, PowerShell, dotenv,
//	             JSON, and credential_process JSON
//	process.go   run a shell or command and pass its status on; start a
//	             detached helper
//
// It knows nothing of AWS APIs: callers hand it credentials and names.
package launch
