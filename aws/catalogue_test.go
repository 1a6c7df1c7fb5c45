package aws

import (
	"errors"
	"io/fs"
	"os"
	"reflect"
	"testing"
	"time"
)

func TestCatalogueFileRoundTrip(t *testing.T) {
	t.Parallel()
	c := CatalogueCache{Dir: t.TempDir()}
	s := Session{Name: "acme", StartURL: "https://acme.awsapps.com/start"}
	cat := &Catalogue{Session: "acme", StartURL: s.StartURL, FetchedAt: time.Date(2026, 11, 25, 12, 0, 0, 123, time.UTC), Rows: []Row{
		{AccountID: "111122223333", AccountName: "tab\there", Email: "new\nline@x", RoleName: `back\slash\t`, Session: "acme"},
		{AccountID: "444455556666", AccountName: "plain", Email: "", RoleName: "ViewOnlyAccess", Session: "acme"},
	}}
	if err := c.Save(s, cat); err != nil {
		t.Fatal(err)
	}
	got, err := c.Load(s)
	if err != nil {
		t.Fatal(err)
	}
	// Read back, the rows' search texts are the file's lines.
	if texts := got.SearchTexts(); !reflect.DeepEqual(texts, SearchTexts(cat.Rows)) || texts[1] != cat.Rows[1].SearchText() {
		t.Errorf("search texts %q, want %q", texts, SearchTexts(cat.Rows))
	}
	got.lines = ""
	if !reflect.DeepEqual(got, cat) {
		t.Fatalf("round trip:\n got %+v %v\nwant %+v", got, err, cat)
	}
	if _, err := c.Load(Session{Name: "acme", StartURL: "https://other.awsapps.com/start"}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a catalogue of another start URL was used: %v", err)
	}
	for _, corrupt := range []string{"", "ssopick-catalogue\t1\n", "ssopick-catalogue\t1\nacme\thttps://acme.awsapps.com/start\tnot-a-time\n", "{\"rows\":[]}",
		"ssopick-catalogue\t1\nacme\thttps://acme.awsapps.com/start\t2026-11-25T12:00:00Z\nonly\tthree\tfields\n"} {
		if err := os.WriteFile(c.path(s), []byte(corrupt), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Load(s); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%q loaded: %v", corrupt, err)
		}
	}
}

func BenchmarkCatalogueLoad(b *testing.B) {
	dir := b.TempDir()
	c := CatalogueCache{Dir: dir}
	s := Session{Name: "bench", StartURL: "https://bench.awsapps.com/start"}
	var rows []Row
	for i := range 20000 {
		name := "acme-team-" + string(rune('a'+i%26)) + "-prod-" + time.Duration(i).String()
		rows = append(rows, Row{AccountID: "123456789012", AccountName: name, Email: "aws+" + name + "@acme.example", RoleName: "ViewOnlyAccess", Session: "bench"})
	}
	if err := c.Save(s, &Catalogue{Session: "bench", StartURL: s.StartURL, FetchedAt: time.Now(), Rows: rows}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := c.Load(s); err != nil {
			b.Fatal(err)
		}
	}
}
