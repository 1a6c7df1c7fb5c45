package sandbox

import (
	"time"

	"github.com/spf13/pflag"
)

// AddFlags binds the sandbox's knobs to command-line flags, for `ssopick
// sandbox` and `ssopick demo`.
func (o *Options) AddFlags(f *pflag.FlagSet) {
	f.IntVar(&o.Accounts, "accounts", 40, "number of accounts in the generated organisation (1–20000)")
	f.Uint64Var(&o.Seed, "seed", 1, "seed for the organisation and the failure sequence")
	f.StringVar(&o.Region, "region", "us-east-1", "Identity Center region the sandbox claims")
	f.StringVar(&o.User, "user", "sandbox.user", "name of the signed-in user")
	f.DurationVar(&o.Latency, "latency", 0, "latency added to every API call, e.g. 20ms")
	f.Float64Var(&o.ThrottleRPS, "throttle-rps", 0, "portal requests per second before 429 TooManyRequestsException (0: no limit)")
	f.IntVar(&o.ThrottleBurst, "throttle-burst", 0, "token bucket size for --throttle-rps (default: one second's worth)")
	f.Float64Var(&o.FailRate, "fail-rate", 0, "fraction of portal calls answered with 500 InternalServerException")
	f.DurationVar(&o.TokenLifetime, "token-lifetime", 8*time.Hour, "lifetime of access tokens")
	f.DurationVar(&o.CredentialLifetime, "credential-lifetime", time.Hour, "lifetime of role credentials")
	f.DurationVar(&o.DeviceInterval, "device-interval", time.Second, "polling interval handed out with device codes")
}
