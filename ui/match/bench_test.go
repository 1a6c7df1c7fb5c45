package match

import (
	"fmt"
	"testing"
)

func benchTexts(n int) []string {
	texts := make([]string, n)
	roles := []string{"AdministratorAccess", "ViewOnlyAccess", "ReadOnlyAccess", "PowerUserAccess", "Billing"}
	teams := []string{"payments", "checkout", "identity", "search", "catalog", "orders", "shipping", "data-platform"}
	envs := []string{"prod", "staging", "dev", "sandbox"}
	for i := range texts {
		name := fmt.Sprintf("acme-%s-%s-%d", teams[i%len(teams)], envs[(i/8)%4], i/32)
		texts[i] = fmt.Sprintf("%s  %012d  %s  aws+%s@acme.example  acme", name, 100000000000+i*7919, roles[i%5], name)
	}
	return texts
}

// BenchmarkMatch matches one query over 20,000 rows with nothing cached,
// as when it is pasted in whole.
func BenchmarkMatch(b *testing.B) {
	m := New(benchTexts(20000))
	for _, q := range []string{"a", "acme", "pay", "prod adm", "zzzz"} {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				clear(m.terms)
				m.Match(q, nil)
			}
		})
	}
}
