package ui

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// Two pickers open at once, each loaded from the same file: what each one
// records survives the other's save.
func TestTwoPickersSaveBothRecentsAndStars(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "state.json")
	rows := testRows("acme")
	first := LoadState(path)
	first.ToggleStar(rows[0])
	if err := first.Save(path); err != nil {
		t.Fatal(err)
	}

	a, b := LoadState(path), LoadState(path)
	a.Used(rows[1], testNow)
	a.ToggleStar(rows[2])
	b.Used(rows[3], testNow.Add(time.Minute))
	b.ToggleStar(rows[4])
	b.ToggleStar(rows[0]) // unstarred in b only
	if err := a.Save(path); err != nil {
		t.Fatal(err)
	}
	if err := b.Save(path); err != nil {
		t.Fatal(err)
	}
	// a saves again after b, with one more use: b's changes stay.
	a.Used(rows[5], testNow.Add(2*time.Minute))
	if err := a.Save(path); err != nil {
		t.Fatal(err)
	}

	got := LoadState(path)
	for _, i := range []int{1, 3, 5} {
		if _, ok := got.Recent[RowKey(rows[i])]; !ok {
			t.Errorf("recent %d lost: %v", i, got.Recent)
		}
	}
	for _, i := range []int{2, 4} {
		if !got.Starred[RowKey(rows[i])] {
			t.Errorf("star %d lost: %v", i, got.Starred)
		}
	}
	if got.Starred[RowKey(rows[0])] {
		t.Errorf("b's unstar was undone by a's later save: %v", got.Starred)
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("state file: %v %v", info, err)
	}
}

// Saves running side by side (the picker saves in the background, and
// other pickers save too) lose nothing.
func TestConcurrentSavesLoseNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	rows := testRows("acme")
	var wg sync.WaitGroup
	for i, r := range rows {
		st := LoadState(path)
		st.Used(r, testNow.Add(time.Duration(i)*time.Second))
		if i%2 == 0 {
			st.ToggleStar(r)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := st.Save(path); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	got := LoadState(path)
	if len(got.Recent) != len(rows) || len(got.Starred) != (len(rows)+1)/2 {
		t.Errorf("%d recents, %d stars; want %d, %d", len(got.Recent), len(got.Starred), len(rows), (len(rows)+1)/2)
	}
}

// A save that fails keeps its changes for the next one.
func TestFailedSaveKeepsChanges(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes anywhere")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	rows := testRows("acme")
	st := LoadState(path)
	st.Used(rows[0], testNow)
	st.ToggleStar(rows[1])
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	if err := st.Save(path); err == nil {
		t.Fatal("save into a read-only directory succeeded")
	}
	st.ToggleStar(rows[1]) // unstarred again after the failure: this wins
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := st.Save(path); err != nil {
		t.Fatal(err)
	}
	got := LoadState(path)
	if _, ok := got.Recent[RowKey(rows[0])]; !ok || got.Starred[RowKey(rows[1])] {
		t.Errorf("after a failed save: recents %v, stars %v", got.Recent, got.Starred)
	}
}
