package aws

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"gopkg.in/ini.v1"
)

// Chain is a role assumed from an SSO role, in one hop or several: a
// profile of the AWS config whose source_profile chain ends at an SSO
// profile, or a role given with --assume.
type Chain struct {
	// Profile is the profile's name; empty for --assume.
	Profile string
	// From is the SSO role the chain starts from: its session, account
	// and role (and account name once a list has told it).
	From Row
	Hops []Hop
	// Region is the profile's region, if it sets one.
	Region string
}

// Hop is one AssumeRole.
type Hop struct {
	RoleARN     string
	SessionName string        // role_session_name; ssopick-<time> when empty
	ExternalID  string        // external_id
	Duration    time.Duration // duration_seconds; 0 is STS's hour
}

// Describe says where a chained row comes from, for the picker and lists:
// "via ViewOnlyAccess@acme-audit, profile audit-deploy".
func (c *Chain) Describe() string {
	from := c.From.AccountName
	if from == "" {
		from = c.From.AccountID
	}
	d := "via " + c.From.RoleName + "@" + from
	if c.Profile != "" {
		d += ", profile " + c.Profile
	}
	return d
}

// roleARN matches an IAM role ARN: partition, account, role path and name.
var roleARN = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^arn:(aws[a-z-]*):iam::(\d{12}):role/(?:[\w+=,.@/-]*/)?([\w+=,.@-]{1,64})$`)
})

// ParseRoleARN splits an IAM role ARN into its account and role name.
func ParseRoleARN(arn string) (account, role string, err error) {
	m := roleARN().FindStringSubmatch(arn)
	if m == nil {
		return "", "", fmt.Errorf("%q is not a role ARN like arn:aws:iam::123456789012:role/NAME", arn)
	}
	return m[2], m[3], nil
}

// Row is the chain as a row of its own: the account and role it ends at,
// in the session it starts from.
func (c *Chain) Row() Row {
	account, role, _ := ParseRoleARN(c.Hops[len(c.Hops)-1].RoleARN)
	return Row{AccountID: account, AccountName: account, RoleName: role, Session: c.From.Session, Chain: c}
}

// named is the chain's row with the account names names (id → name)
// knows, for the account it starts from and the one it ends at.
func (c Chain) named(names map[string]string) Row {
	if n := names[c.From.AccountID]; n != "" {
		c.From.AccountName = n
	}
	r := c.Row()
	if n := names[r.AccountID]; n != "" {
		r.AccountName = n
	}
	return r
}

// ChainedFrom is the chain that assumes arn from the role from, for
// --assume: a hop more when from is a chain already.
func ChainedFrom(from Row, arn string) (Row, error) {
	if _, _, err := ParseRoleARN(arn); err != nil {
		return Row{}, fmt.Errorf("--assume: %w", err)
	}
	chain := Chain{From: from}
	if from.Chain != nil {
		chain = *from.Chain
		chain.Hops = slices.Clone(chain.Hops)
	}
	chain.Hops = append(chain.Hops, Hop{RoleARN: arn})
	return chain.Row(), nil
}

// profileSection is what ssopick reads of a [profile NAME] section.
type profileSection struct {
	name                             string
	ssoSession, startURL, ssoRegion  string
	account, role                    string
	roleARN, source, sessionName     string
	externalID, duration, region     string
	credentialSource, staticKeys, fn bool
}

func readProfileSection(sec *ini.Section) (profileSection, bool) {
	name, ok := strings.CutPrefix(sec.Name(), "profile ")
	if !ok && sec.Name() != "default" {
		return profileSection{}, false
	}
	if !ok {
		name = "default"
	}
	return profileSection{
		name:             strings.TrimSpace(name),
		ssoSession:       value(sec, "sso_session"),
		startURL:         value(sec, "sso_start_url"),
		ssoRegion:        value(sec, "sso_region"),
		account:          value(sec, "sso_account_id"),
		role:             value(sec, "sso_role_name"),
		roleARN:          value(sec, "role_arn"),
		source:           value(sec, "source_profile"),
		sessionName:      value(sec, "role_session_name"),
		externalID:       value(sec, "external_id"),
		duration:         value(sec, "duration_seconds"),
		region:           value(sec, "region"),
		credentialSource: sec.HasKey("credential_source"),
		staticKeys:       sec.HasKey("aws_access_key_id"),
		fn:               sec.HasKey("credential_process"),
	}, true
}

// maxChain bounds a source_profile chain, as a loop guard.
const maxChain = 10

// resolveChains turns the profiles into chains, keeping those whose
// source_profile chain ends at an SSO profile of a known session. Others
// (static keys, credential_process, an instance role) are not ssopick's
// to serve and are left out; broken ones are reported by ProfileTarget.
func (c *ConfigFile) resolveChains() {
	names := make([]string, 0, len(c.profiles))
	for n := range c.profiles {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if c.profiles[n].roleARN == "" {
			continue
		}
		if ch, err := c.chainOf(n); err == nil {
			c.chains = append(c.chains, ch)
		}
	}
}

// chainOf follows name's source_profile links to an SSO profile.
func (c *ConfigFile) chainOf(name string) (Chain, error) {
	var hops []Hop
	p := c.profiles[name]
	region := p.region
	for range maxChain {
		if p.roleARN == "" {
			from, err := c.ssoRole(p)
			if err != nil {
				return Chain{}, err
			}
			slices.Reverse(hops)
			return Chain{Profile: name, From: from, Hops: hops, Region: region}, nil
		}
		hop, err := p.hop()
		if err != nil {
			return Chain{}, err
		}
		hops = append(hops, hop)
		if p.credentialSource || p.source == "" {
			return Chain{}, fmt.Errorf("the profile %q starts from credential_source, not an SSO role", p.name)
		}
		next, ok := c.profiles[p.source]
		if !ok {
			return Chain{}, fmt.Errorf("the profile %q names source_profile %q, which is not in %s", p.name, p.source, c.Path)
		}
		p = next
	}
	return Chain{}, fmt.Errorf("the profile %q has a source_profile chain longer than %d, or a loop", name, maxChain)
}

func (p profileSection) hop() (Hop, error) {
	if _, _, err := ParseRoleARN(p.roleARN); err != nil {
		return Hop{}, fmt.Errorf("the profile %q: role_arn %w", p.name, err)
	}
	h := Hop{RoleARN: p.roleARN, SessionName: p.sessionName, ExternalID: p.externalID}
	if p.duration != "" {
		// Every hop is assumed from a role session (the SSO role's
		// first), and STS gives chained sessions an hour at most.
		secs, err := strconv.Atoi(p.duration)
		if err != nil || secs < 900 || secs > 3600 {
			return Hop{}, fmt.Errorf("the profile %q: duration_seconds %q is not a number of seconds from 900 to 3600 (STS gives a role assumed from another role an hour at most)", p.name, p.duration)
		}
		h.Duration = time.Duration(secs) * time.Second
	}
	return h, nil
}

// ssoRole is the SSO role an SSO profile names.
func (c *ConfigFile) ssoRole(p profileSection) (Row, error) {
	if p.account == "" || p.role == "" {
		what := "static keys"
		if p.fn {
			what = "credential_process"
		} else if !p.staticKeys {
			what = "no sso_account_id and sso_role_name"
		}
		return Row{}, fmt.Errorf("the profile %q, where the chain starts, has %s; ssopick starts chains from SSO roles only", p.name, what)
	}
	var s Session
	switch {
	case p.ssoSession != "":
		found, ok := c.Session(p.ssoSession)
		if !ok {
			return Row{}, fmt.Errorf("the profile %q names sso_session %q, which is not in %s", p.name, p.ssoSession, c.Path)
		}
		s = found
	case p.startURL != "":
		s = Session{StartURL: p.startURL, Region: p.ssoRegion}
	default:
		return Row{}, fmt.Errorf("the profile %q has no sso_session", p.name)
	}
	return Row{AccountID: p.account, RoleName: p.role, Session: s.Label()}, nil
}

// ProfileNames are the profiles --profile can name: SSO profiles and the
// chains starting at one, sorted.
func (c *ConfigFile) ProfileNames() []string {
	var names []string
	for n, p := range c.profiles {
		if _, _, err := c.ProfileTarget(n); err == nil && (p.roleARN != "" || p.account != "") {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}

// Chains are the profiles that assume a role from an SSO role, by name.
func (c *ConfigFile) Chains() []Chain {
	c.chainsOnce.Do(c.resolveChains)
	return slices.Clone(c.chains)
}

// ProfileTarget is what --profile NAME acts as: an SSO role (chain nil) or
// a chain starting from one.
func (c *ConfigFile) ProfileTarget(name string) (Row, *Chain, error) {
	p, ok := c.profiles[name]
	if !ok {
		return Row{}, nil, fmt.Errorf("there is no profile %q in %s; `aws configure list-profiles` lists them", name, c.Path)
	}
	if p.roleARN == "" {
		from, err := c.ssoRole(p)
		return from, nil, err
	}
	ch, err := c.chainOf(name)
	if err != nil {
		return Row{}, nil, err
	}
	return ch.Row(), &ch, nil
}

// WithChains adds chains' rows to rows (sorted, with texts their
// SearchText, nil to leave them to the caller): those starting from a
// session among rows' or sessions, with the account names rows tell.
func WithChains(rows []Row, texts []string, chains []Chain, sessions []string) ([]Row, []string) {
	if len(chains) == 0 {
		return rows, texts
	}
	names := map[string]string{}
	for _, r := range rows {
		names[r.AccountID] = r.AccountName
	}
	var extra []Row
	for _, ch := range chains {
		if slices.Contains(sessions, ch.From.Session) {
			extra = append(extra, ch.named(names))
		}
	}
	if len(extra) == 0 {
		return rows, texts
	}
	all := append(slices.Clip(rows), extra...)
	SortRows(all)
	if texts == nil {
		return all, nil
	}
	return all, SearchTexts(all)
}

// ChainCredentials assumes the chain's roles one after the other, from the
// SSO role's credentials, reusing what this process assumed before until
// near its expiry, as RoleCredentials does.
func (c *Conn) ChainCredentials(ctx context.Context, ch *Chain, from RoleCredentials) (RoleCredentials, error) {
	// Keyed by where the chain starts too: another role assuming the
	// same ARN is another caller, and the trust policy may refuse it.
	key := "chain|" + ch.From.Session + "|" + ch.From.AccountID + "|" + ch.From.RoleName
	for _, h := range ch.Hops {
		key += "|" + h.RoleARN + "|" + h.SessionName + "|" + h.ExternalID + "|" + h.Duration.String()
	}
	if cached, ok := c.creds.get(key, c.now()); ok {
		return cached, nil
	}
	creds := from
	for i, hop := range ch.Hops {
		client, err := c.stsClient(ctx, creds)
		if err != nil {
			return RoleCredentials{}, err
		}
		in := &sts.AssumeRoleInput{RoleArn: &hop.RoleARN, RoleSessionName: sdkaws.String(hop.SessionName)}
		if hop.SessionName == "" {
			// As botocore names the sessions it assumes.
			in.RoleSessionName = sdkaws.String("ssopick-" + strconv.FormatInt(c.now().Unix(), 10))
		}
		if hop.ExternalID != "" {
			in.ExternalId = &hop.ExternalID
		}
		if hop.Duration != 0 {
			in.DurationSeconds = sdkaws.Int32(int32(hop.Duration.Seconds()))
		}
		out, err := client.AssumeRole(ctx, in)
		if err != nil {
			return RoleCredentials{}, fmt.Errorf("assume %s (step %d of the chain %s): %w", hop.RoleARN, i+1, ch.Describe(), err)
		}
		creds = RoleCredentials{
			AccessKeyID:     sdkaws.ToString(out.Credentials.AccessKeyId),
			SecretAccessKey: sdkaws.ToString(out.Credentials.SecretAccessKey),
			SessionToken:    sdkaws.ToString(out.Credentials.SessionToken),
			Expiration:      sdkaws.ToTime(out.Credentials.Expiration).UTC(),
		}
	}
	c.creds.put(key, creds)
	return creds, nil
}

// stsClient is an STS client signing with creds, through the session's
// configuration and HTTP client (endpoints, CA bundle, proxy).
func (c *Conn) stsClient(ctx context.Context, creds RoleCredentials) (*sts.Client, error) {
	if c.clients == nil {
		return nil, errors.New("no STS client here")
	}
	base, err := c.clients.get(ctx)
	if err != nil {
		return nil, err
	}
	provider := credentials.NewStaticCredentialsProvider(creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken)
	return sts.NewFromConfig(base.Config, func(o *sts.Options) {
		o.HTTPClient = base.HTTP
		o.Credentials = provider
		o.BaseEndpoint, o.EndpointOptions.UseFIPSEndpoint, o.EndpointOptions.UseDualStackEndpoint =
			c.clients.env.endpointFor("STS", o.BaseEndpoint, o.EndpointOptions.UseFIPSEndpoint, o.EndpointOptions.UseDualStackEndpoint)
	}), nil
}

// FindProfile finds what --profile NAME acts as: the SSO role an SSO
// profile names, or the chain a chained profile makes, in the session the
// profile names (which must be among the selected ones).
func (s *Sessions) FindProfile(name string) (Choice, error) {
	if s.Config == nil {
		return Choice{}, fmt.Errorf("there is no profile %q: no AWS config was read", name)
	}
	target, chain, err := s.Config.ProfileTarget(name)
	if err != nil {
		return Choice{}, err
	}
	from := target
	if chain != nil {
		from = chain.From
	}
	conn := s.Conn(from.Session)
	if conn == nil {
		return Choice{}, fmt.Errorf("the profile %q signs in with the SSO session %s, which --sso-session or SSOPICK_SSO_SESSION left out", name, from.Session)
	}
	// A cached list names the accounts; none is needed.
	var rows []Row
	if cat, err := conn.Cached(); err == nil {
		rows = cat.Rows
	}
	if chain == nil {
		if r, found, _ := FindRow(rows, from.AccountID, from.RoleName); found {
			return Choice{Row: r, Conn: conn}, nil
		}
		return Choice{Row: from, Conn: conn}, nil
	}
	to := chain.Row().AccountID
	names := map[string]string{}
	for _, r := range rows {
		if r.AccountID == from.AccountID || r.AccountID == to {
			names[r.AccountID] = r.AccountName
		}
	}
	return Choice{Row: chain.named(names), Conn: conn}, nil
}
