// Package aws is everything in ssopick that speaks to AWS or reads its
// files. Data flows through it one way:
//
//	config.go      ~/.aws/config: [sso-session] sections and legacy SSO
//	               profiles → Session; Select applies --sso-session & co.
//	configwrite.go adding an [sso-session] (first run), byte-preserving
//	paths.go       where every file lives (one resolver)
//	files*.go      atomic private writes and cross-process locks
//	clients.go     Environment (variables, files, debug writer handed in)
//	               → one HTTP client and the SDK clients for a region
//	signin.go      Auth: the device code and PKCE sign-ins, refresh, and
//	               ChooseFlow, the one rule for which sign-in to use
//	tokencache.go  the AWS CLI's token and registration files, shared with it
//	catalogue.go   Lister: every account × role (Row), paced by pacer.go;
//	               CatalogueCache: the list on disk
//	conn.go        Conn: one session's sign-in, portal and cache together
//	credentials.go a role's temporary keys (memory only)
//	sessions.go    Sessions: all selected sessions at once, the path the
//	               commands and the picker take from a choice to
//	               credentials, and the catalogue's cache rules
//	federation.go  console sign-in URLs, destinations and partitions
//	profiles.go    the [profile] block `ssopick profiles --write` owns
//
// Nothing here prints or prompts: the caller hands in hooks (Sessions.SignIn,
// Progress, Warn) and decides what the person sees.
package aws
