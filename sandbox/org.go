package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
)

// MaxAccounts is the largest organisation the sandbox will generate.
const MaxAccounts = 20000

// Account is one AWS account of the generated organisation, with the
// permission sets (roles) the sandbox user is assigned in it.
type Account struct {
	ID    string
	Name  string
	Email string
	Roles []string
}

// Organisation is a deterministic, seeded set of accounts. The same seed and
// size always produce the same accounts, ids and roles, so tests and
// benchmarks can rely on it.
type Organisation struct {
	Accounts []Account
	byID     map[string]*Account
}

// PermissionSets are the roles the generator hands out, weighted towards the
// read-only ones as in a typical organisation.
var PermissionSets = []string{
	"AdministratorAccess",
	"ViewOnlyAccess",
	"ReadOnlyAccess",
	"PowerUserAccess",
	"Billing",
	"SecurityAudit",
	"DatabaseAdministrator",
	"NetworkAdministrator",
}

// landingZone are the accounts a Control Tower landing zone starts with;
// every generated organisation begins with them so that demos and tests can
// name a known row (for example acme-audit / ViewOnlyAccess).
var landingZone = []Account{
	{Name: "acme-management", Roles: []string{"AdministratorAccess", "Billing", "ViewOnlyAccess"}},
	{Name: "acme-audit", Roles: []string{"ViewOnlyAccess", "SecurityAudit", "AdministratorAccess"}},
	{Name: "acme-log-archive", Roles: []string{"ReadOnlyAccess", "ViewOnlyAccess"}},
}

var teams = []string{
	"payments", "checkout", "identity", "search", "catalog", "orders",
	"shipping", "billing", "data-platform", "ml-training", "analytics",
	"mobile-api", "web-frontend", "notifications", "fraud", "ledger",
	"inventory", "pricing", "recommendations", "support-tools", "edge",
	"observability", "ci-runners", "security-tools", "networking",
	"platform", "media", "messaging", "partner-api", "reporting",
}

var environments = []string{"prod", "staging", "dev", "sandbox"}

// NewOrganisation generates n accounts (clamped to 1..MaxAccounts) from seed.
func NewOrganisation(n int, seed uint64) *Organisation {
	n = max(1, min(n, MaxAccounts))
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	org := &Organisation{byID: make(map[string]*Account, n)}
	usedIDs := make(map[string]bool, n)
	for i := range n {
		var acct Account
		if i < len(landingZone) {
			acct.Name = landingZone[i].Name
			acct.Roles = append([]string(nil), landingZone[i].Roles...)
		} else {
			acct.Name = generatedName(i - len(landingZone))
			acct.Roles = pickRoles(rng)
		}
		acct.ID = uniqueAccountID(rng, usedIDs)
		acct.Email = fmt.Sprintf("aws+%s@acme.example", acct.Name)
		org.Accounts = append(org.Accounts, acct)
	}
	for i := range org.Accounts {
		org.byID[org.Accounts[i].ID] = &org.Accounts[i]
	}
	return org
}

// Account returns the account with the given id, or nil.
func (o *Organisation) Account(id string) *Account { return o.byID[id] }

// HasRole reports whether the sandbox user may use role in account id.
func (o *Organisation) HasRole(id, role string) bool {
	a := o.byID[id]
	if a == nil {
		return false
	}
	for _, r := range a.Roles {
		if r == role {
			return true
		}
	}
	return false
}

// RoleCount is the number of account × role pairs in the organisation.
func (o *Organisation) RoleCount() int {
	n := 0
	for _, a := range o.Accounts {
		n += len(a.Roles)
	}
	return n
}

// generatedName walks teams × environments; once every pair is used it
// starts again with a numeric suffix, so names stay unique up to MaxAccounts.
func generatedName(i int) string {
	pairs := len(teams) * len(environments)
	team := teams[(i/len(environments))%len(teams)]
	env := environments[i%len(environments)]
	if round := i / pairs; round > 0 {
		return fmt.Sprintf("acme-%s-%s-%d", team, env, round+1)
	}
	return fmt.Sprintf("acme-%s-%s", team, env)
}

// pickRoles returns 1–5 distinct permission sets.
func pickRoles(rng *rand.Rand) []string {
	count := 1 + rng.IntN(5)
	perm := rng.Perm(len(PermissionSets))
	roles := make([]string, 0, count)
	for _, p := range perm[:count] {
		roles = append(roles, PermissionSets[p])
	}
	return roles
}

func uniqueAccountID(rng *rand.Rand, used map[string]bool) string {
	for {
		id := fmt.Sprintf("%012d", 100000000000+rng.Int64N(900000000000))
		if !used[id] {
			used[id] = true
			return id
		}
	}
}

// roleIDSuffix is the 16 hex digits AWS appends to AWSReservedSSO_<set>_
// role names; stable for an account and permission set.
func roleIDSuffix(seed uint64, accountID, role string) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "%d/%s/%s", seed, accountID, role))
	return hex.EncodeToString(sum[:8])
}
