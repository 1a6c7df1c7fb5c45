package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ssopick/ssopick/aws"
	"github.com/ssopick/ssopick/sandbox"
)

// dataset is a HOME whose ssopick cache holds a fresh catalogue for
// [sso-session bench], so runs answer without the network, and the same
// rows as text for fzf.
type dataset struct {
	name     string
	home     string
	rowsFile string // one row's search text a line, as ssopick matches it
	rows     int
	meanLen  int // mean length of a row's search text, in bytes
	queries  []string
}

// shortRows is shaped like a real organisation: account names such as
// acme-prod-payments (an environment and a team, a number where a team has
// several accounts in one environment), 12-digit ids, the usual permission
// sets and a root email of the account's own, 1–3 roles an account.
func shortRows(n int) []aws.Row {
	envs := []string{"prod", "stage", "dev", "test", "qa", "sbx"}
	teams := []string{"pay", "payments", "ledger", "billing", "auth", "id", "web", "api", "data", "ml",
		"search", "orders", "cart", "ship", "stock", "price", "promo", "ads", "crm", "erp",
		"hr", "fin", "legal", "sec", "audit", "logs", "net", "dns", "edge", "cdn",
		"mail", "sms", "push", "chat", "media", "video", "img", "maps", "geo", "iot",
		"ci", "build", "infra", "k8s", "eks", "db", "cache", "queue", "etl", "bi"}
	roles := []string{"AdministratorAccess", "ReadOnlyAccess", "ViewOnlyAccess", "PowerUserAccess",
		"DeveloperAccess", "Billing", "SecurityAudit"}
	rng := rand.New(rand.NewPCG(15, 2026))
	used := map[string]bool{}
	var rows []aws.Row
	for i := 0; len(rows) < n; i++ {
		env, team := envs[i%len(envs)], teams[(i/len(envs))%len(teams)]
		name := "acme-" + env + "-" + team
		if round := i / (len(envs) * len(teams)); round > 0 {
			name = fmt.Sprintf("%s-%d", name, round+1)
		}
		id := fmt.Sprintf("%012d", rng.Int64N(1e12))
		for used[id] {
			id = fmt.Sprintf("%012d", rng.Int64N(1e12))
		}
		used[id] = true
		for _, p := range rng.Perm(len(roles))[:1+rng.IntN(3)] {
			if len(rows) < n {
				rows = append(rows, aws.Row{AccountID: id, AccountName: name, Email: "aws+" + strings.TrimPrefix(name, "acme-") + "@acme.com", RoleName: roles[p], Session: "bench"})
			}
		}
	}
	return rows
}

// longRows is the sandbox's organisation: longer team names, a numeric
// suffix once the team × environment pairs are used up, and longer emails.
func longRows(n int) []aws.Row {
	org := sandbox.NewOrganisation(n/2, 7)
	var rows []aws.Row
	for _, a := range org.Accounts {
		for _, r := range a.Roles {
			if len(rows) < n {
				rows = append(rows, aws.Row{AccountID: a.ID, AccountName: a.Name, Email: a.Email, RoleName: r, Session: "bench"})
			}
		}
	}
	return rows
}

// newDataset writes rows to a HOME of their own under work.
func newDataset(work, name string, rows []aws.Row, queries func([]aws.Row) []string) (dataset, error) {
	d := dataset{name: name, home: filepath.Join(work, name), rowsFile: filepath.Join(work, name+".txt"), rows: len(rows)}
	aws.SortRows(rows)
	s := aws.Session{Name: "bench", StartURL: "https://bench.awsapps.com/start", Region: "us-east-1"}
	if err := aws.AddSSOSession(filepath.Join(d.home, ".aws", "config"), s); err != nil {
		return d, err
	}
	cache := aws.CatalogueCache{Dir: filepath.Join(d.home, ".cache", "ssopick")}
	if err := cache.Save(s, &aws.Catalogue{Session: "bench", StartURL: s.StartURL, FetchedAt: time.Now(), Rows: rows}); err != nil {
		return d, err
	}
	var text strings.Builder
	for _, r := range rows {
		text.WriteString(r.SearchText() + "\n")
	}
	d.meanLen = text.Len()/len(rows) - 1
	d.queries = queries(rows)
	return d, os.WriteFile(d.rowsFile, []byte(text.String()), 0o600)
}

// shortQueries are what people type: two words, a fragment of an account
// id read off a bill or an ARN, and a role word.
func shortQueries(rows []aws.Row) []string {
	id := rows[len(rows)*2/3].AccountID
	return []string{"prod pay", id[2:7], "admin"}
}

func longQueries([]aws.Row) []string { return []string{"pay prod adm"} }
