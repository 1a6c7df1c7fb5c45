package aws

import "path/filepath"

// Paths are every file ssopick reads or writes. DefaultPaths is the one
// place that resolves them from the environment.
type Paths struct {
	// AWSConfig is ~/.aws/config or $AWS_CONFIG_FILE.
	AWSConfig string
	// AWSCredentials is ~/.aws/credentials or $AWS_SHARED_CREDENTIALS_FILE;
	// ssopick never writes it, but the SDK is told where it is rather than
	// looking it up itself.
	AWSCredentials string
	// SSOCache is the AWS CLI's token cache, ~/.aws/sso/cache.
	SSOCache string
	// Cache is ssopick's own cache: catalogues and locks
	// ($XDG_CACHE_HOME/ssopick, default ~/.cache/ssopick).
	Cache string
	// State keeps the picker's recents and stars
	// ($XDG_STATE_HOME/ssopick/state.json).
	State string
	// Preferences is the person's settings file
	// ($XDG_CONFIG_HOME/ssopick/config.toml).
	Preferences string
}

// DefaultPaths resolves Paths from the environment and home directory, as
// the AWS CLI and the XDG base directory convention do.
func DefaultPaths(getenv func(string) string, home string) Paths {
	xdg := func(name, fallback string) string {
		if dir := getenv(name); dir != "" {
			return dir
		}
		return filepath.Join(home, fallback)
	}
	awsFile := func(name, fallback string) string {
		if p := getenv(name); p != "" {
			return p
		}
		return filepath.Join(home, ".aws", fallback)
	}
	return Paths{
		AWSConfig:      awsFile("AWS_CONFIG_FILE", "config"),
		AWSCredentials: awsFile("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
		SSOCache:       filepath.Join(home, ".aws", "sso", "cache"),
		Cache:          filepath.Join(xdg("XDG_CACHE_HOME", ".cache"), "ssopick"),
		State:          filepath.Join(xdg("XDG_STATE_HOME", filepath.Join(".local", "state")), "ssopick", "state.json"),
		Preferences:    filepath.Join(xdg("XDG_CONFIG_HOME", ".config"), "ssopick", "config.toml"),
	}
}

// TokenCache is the token cache for these paths.
func (p Paths) TokenCache() TokenCache {
	return TokenCache{Dir: p.SSOCache, LockDir: filepath.Join(p.Cache, "locks")}
}

// CatalogueCache is the catalogue cache for these paths.
func (p Paths) CatalogueCache() CatalogueCache { return CatalogueCache{Dir: p.Cache} }
