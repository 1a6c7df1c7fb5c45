package aws

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const chainConfig = `[sso-session acme]
sso_start_url = https://acme.awsapps.com/start
sso_region = eu-west-1

[profile audit]
sso_session = acme
sso_account_id = 111111111111
sso_role_name = ViewOnlyAccess

[profile deploy]
role_arn = arn:aws:iam::222222222222:role/Deployer
source_profile = audit
role_session_name = me
external_id = ext-1
duration_seconds = 900
region = eu-central-1

[profile deeper]
role_arn = arn:aws:iam::333333333333:role/path/to/Reader
source_profile = deploy

[profile static]
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = secret

[profile from-static]
role_arn = arn:aws:iam::222222222222:role/Deployer
source_profile = static

[profile loop-a]
role_arn = arn:aws:iam::222222222222:role/A
source_profile = loop-b

[profile loop-b]
role_arn = arn:aws:iam::222222222222:role/B
source_profile = loop-a

[profile bad-arn]
role_arn = arn:aws:iam::22:role/Deployer
source_profile = audit

[profile instance]
role_arn = arn:aws:iam::222222222222:role/Deployer
credential_source = Ec2InstanceMetadata
`

func loadChainConfig(t *testing.T) *ConfigFile {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(path, []byte(chainConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestChainsEndAtAnSSOProfile(t *testing.T) {
	t.Parallel()
	cfg := loadChainConfig(t)
	chains := cfg.Chains()
	var names []string
	for _, c := range chains {
		names = append(names, c.Profile)
	}
	// from-static, loop-*, bad-arn and instance do not start at an SSO role.
	if strings.Join(names, ",") != "deeper,deploy" {
		t.Fatalf("chains %v, want deeper and deploy", names)
	}
	deeper := chains[0]
	if deeper.From != (Row{AccountID: "111111111111", RoleName: "ViewOnlyAccess", Session: "acme"}) {
		t.Errorf("deeper starts from %+v", deeper.From)
	}
	// The first hop is assumed from the SSO role: deploy's, then deeper's.
	want := []Hop{
		{RoleARN: "arn:aws:iam::222222222222:role/Deployer", SessionName: "me", ExternalID: "ext-1", Duration: 900 * time.Second},
		{RoleARN: "arn:aws:iam::333333333333:role/path/to/Reader"},
	}
	if len(deeper.Hops) != 2 || deeper.Hops[0] != want[0] || deeper.Hops[1] != want[1] {
		t.Errorf("hops %+v, want %+v", deeper.Hops, want)
	}
	if r := deeper.Row(); r.AccountID != "333333333333" || r.RoleName != "Reader" || r.Session != "acme" || r.Chain == nil {
		t.Errorf("row %+v", r)
	}
	if chains[1].Region != "eu-central-1" {
		t.Errorf("deploy's region %q", chains[1].Region)
	}
}

func TestProfileTarget(t *testing.T) {
	t.Parallel()
	cfg := loadChainConfig(t)
	for _, tc := range []struct {
		profile, wantErr string
		chained          bool
	}{
		{"audit", "", false},
		{"deploy", "", true},
		{"missing", `there is no profile "missing"`, false},
		{"from-static", `the profile "static", where the chain starts, has static keys`, false},
		{"loop-a", "longer than 10, or a loop", false},
		{"bad-arn", "is not a role ARN", false},
		{"instance", "credential_source", false},
	} {
		row, chain, err := cfg.ProfileTarget(tc.profile)
		switch {
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%s: error %v, want one saying %q", tc.profile, err, tc.wantErr)
		case tc.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tc.profile, err)
		case tc.wantErr == "" && (chain != nil) != tc.chained:
			t.Errorf("%s: chain %v", tc.profile, chain)
		case tc.wantErr == "" && row.Session != "acme":
			t.Errorf("%s: row %+v", tc.profile, row)
		}
	}
	if got := strings.Join(cfg.ProfileNames(), ","); got != "audit,deeper,deploy" {
		t.Errorf("profile names %s", got)
	}
}

func TestChainedRowsJoinTheirSessionsList(t *testing.T) {
	t.Parallel()
	cfg := loadChainConfig(t)
	rows := []Row{
		{AccountID: "111111111111", AccountName: "acme-audit", RoleName: "ViewOnlyAccess", Session: "acme"},
		{AccountID: "222222222222", AccountName: "acme-prod", RoleName: "ReadOnlyAccess", Session: "acme"},
	}
	all, texts := WithChains(rows, SearchTexts(rows), cfg.Chains(), []string{"acme"})
	if len(all) != 4 || len(texts) != 4 {
		t.Fatalf("rows %+v", all)
	}
	for i, r := range all {
		if texts[i] != r.SearchText() {
			t.Errorf("text %d %q, want %q", i, texts[i], r.SearchText())
		}
	}
	var deploy Row
	for _, r := range all {
		if r.Chain != nil && r.Chain.Profile == "deploy" {
			deploy = r
		}
	}
	if deploy.AccountName != "acme-prod" || deploy.Detail() != "via ViewOnlyAccess@acme-audit, profile deploy" {
		t.Errorf("deploy row %+v, detail %q", deploy, deploy.Detail())
	}
	// Another session's list gets none of them.
	if other, _ := WithChains(rows, nil, cfg.Chains(), []string{"other"}); len(other) != 2 {
		t.Errorf("chains joined another session: %+v", other)
	}
}

func TestChainedFromChecksTheARN(t *testing.T) {
	t.Parallel()
	from := Row{AccountID: "111111111111", RoleName: "ViewOnlyAccess", Session: "acme"}
	r, err := ChainedFrom(from, "arn:aws:iam::222222222222:role/Deployer")
	if err != nil || r.AccountID != "222222222222" || r.RoleName != "Deployer" || r.Chain.From != from {
		t.Errorf("chained %+v %v", r, err)
	}
	if _, err := ChainedFrom(from, "arn:aws:s3:::bucket"); err == nil || !strings.Contains(err.Error(), "--assume") {
		t.Errorf("an S3 ARN was taken for a role: %v", err)
	}
}

func TestAssumeFromAChainAddsAHop(t *testing.T) {
	t.Parallel()
	c := &Chain{Profile: "p", From: Row{AccountID: "111111111111", RoleName: "Sso", Session: "s"}, Hops: []Hop{{RoleARN: "arn:aws:iam::222222222222:role/Mid"}}}
	r, err := ChainedFrom(c.Row(), "arn:aws:iam::333333333333:role/Top")
	if err != nil || r.Chain.From != c.From || len(r.Chain.Hops) != 2 || len(c.Hops) != 1 || r.AccountID != "333333333333" || r.RoleName != "Top" {
		t.Errorf("--assume from a chain: %+v %v", r.Chain, err)
	}
}
