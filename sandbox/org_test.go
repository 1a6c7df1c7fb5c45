package sandbox

import (
	"reflect"
	"testing"
)

func TestOrganisationDeterministic(t *testing.T) {
	a, b := NewOrganisation(100, 42), NewOrganisation(100, 42)
	if !reflect.DeepEqual(a.Accounts, b.Accounts) {
		t.Fatal("same seed gave different organisations")
	}
	if reflect.DeepEqual(a.Accounts, NewOrganisation(100, 43).Accounts) {
		t.Fatal("different seeds gave the same organisation")
	}
}

func TestOrganisationShape(t *testing.T) {
	org := NewOrganisation(MaxAccounts+5, 1)
	if len(org.Accounts) != MaxAccounts {
		t.Fatalf("%d accounts, want clamp to %d", len(org.Accounts), MaxAccounts)
	}
	ids, names := map[string]bool{}, map[string]bool{}
	for _, a := range org.Accounts {
		if len(a.ID) != 12 || a.ID[0] == '0' || ids[a.ID] {
			t.Fatalf("bad or duplicate id %q", a.ID)
		}
		if names[a.Name] {
			t.Fatalf("duplicate name %q", a.Name)
		}
		ids[a.ID], names[a.Name] = true, true
		if n := len(a.Roles); n < 1 || n > 5 {
			t.Fatalf("%s has %d roles", a.Name, n)
		}
		seen := map[string]bool{}
		for _, r := range a.Roles {
			if seen[r] {
				t.Fatalf("%s has %s twice", a.Name, r)
			}
			seen[r] = true
		}
	}
	if org.Accounts[1].Name != "acme-audit" || !org.HasRole(org.Accounts[1].ID, "ViewOnlyAccess") {
		t.Error("the landing zone's audit account with ViewOnlyAccess is missing")
	}
	if org.HasRole("000000000000", "ViewOnlyAccess") || org.HasRole(org.Accounts[0].ID, "NoSuchRole") {
		t.Error("HasRole accepted an unknown account or role")
	}
	if got := NewOrganisation(0, 1); len(got.Accounts) != 1 {
		t.Errorf("size 0 gave %d accounts, want 1", len(got.Accounts))
	}
}
