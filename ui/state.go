package ui

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"sync"
	"time"

	"github.com/ssopick/ssopick/aws"
)

// maxRecents bounds the recent-use history.
const maxRecents = 200

// stateLockWait bounds the wait for another ssopick saving its state.
const stateLockWait = 10 * time.Second

// State is what ssopick remembers between runs: when each role was last
// used, and which rows are starred. It lives in
// $XDG_STATE_HOME/ssopick/state.json.
//
// Several pickers may be open at once, each with the state it loaded.
// Save therefore writes only what this one changed (uses, stars toggled)
// on top of what the file holds then, under a lock: no picker undoes
// another's star or forgets its recent.
type State struct {
	Recent  map[string]time.Time `json:"recent"`
	Starred map[string]bool      `json:"starred"`

	// The changes not saved yet, guarded by mu: Save runs in the
	// background while the picker records more.
	mu    sync.Mutex
	used  map[string]time.Time // role key → latest use
	stars map[string]bool      // role key → starred now (toggled since)
}

// stateFile is the file's content.
type stateFile struct {
	Recent  map[string]time.Time `json:"recent"`
	Starred map[string]bool      `json:"starred"`
}

// RowKey identifies a row across runs and refreshes.
func RowKey(r aws.Row) string { return string(appendRowKey(nil, r)) }

func appendRowKey(b []byte, r aws.Row) []byte {
	b = append(b, r.Session...)
	b = append(b, '|')
	b = append(b, r.AccountID...)
	b = append(b, '|')
	b = append(b, r.RoleName...)
	if r.Chain != nil {
		// A chain ending at a role is not that role.
		b = append(b, "|chain:"...)
		b = append(b, r.Chain.Describe()...)
		for _, h := range r.Chain.Hops {
			b = append(b, '|')
			b = append(b, h.RoleARN...)
		}
	}
	return b
}

// LoadState reads the state file; a missing or unreadable one is an empty
// state (it only orders the list).
func LoadState(path string) *State {
	f := readStateFile(path)
	return &State{Recent: f.Recent, Starred: f.Starred}
}

func readStateFile(path string) stateFile {
	f := stateFile{Recent: map[string]time.Time{}, Starred: map[string]bool{}}
	raw, err := os.ReadFile(path)
	if err != nil {
		return f
	}
	var loaded stateFile
	if json.Unmarshal(raw, &loaded) == nil {
		if loaded.Recent != nil {
			f.Recent = loaded.Recent
		}
		if loaded.Starred != nil {
			f.Starred = loaded.Starred
		}
	}
	return f
}

// Used records a use of the row at t, forgetting the oldest uses past
// maxRecents.
func (s *State) Used(r aws.Row, t time.Time) {
	k := RowKey(r)
	s.Recent[k] = t
	pruneRecents(s.Recent)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.used == nil {
		s.used = map[string]time.Time{}
	}
	s.used[k] = t
}

// ToggleStar stars or unstars the row.
func (s *State) ToggleStar(r aws.Row) {
	k := RowKey(r)
	now := !s.Starred[k]
	if now {
		s.Starred[k] = true
	} else {
		delete(s.Starred, k)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stars == nil {
		s.stars = map[string]bool{}
	}
	s.stars[k] = now
}

// pruneRecents forgets the oldest uses past maxRecents.
func pruneRecents(recent map[string]time.Time) {
	for len(recent) > maxRecents {
		var oldest string
		for k, v := range recent {
			if oldest == "" || v.Before(recent[oldest]) {
				oldest = k
			}
		}
		delete(recent, oldest)
	}
}

// Save merges this picker's unsaved changes into the state file: under a
// lock beside it, it reads the file again, applies the uses and stars
// recorded since the last save, and writes the result atomically with
// mode 0600. It may run while the picker records more; changes a failed
// save could not write are kept for the next one.
func (s *State) Save(path string) error {
	ctx, cancel := context.WithTimeout(context.Background(), stateLockWait)
	defer cancel()
	return aws.WithFileLock(ctx, path+".lock", func() error {
		used, stars := s.takeChanges()
		f := readStateFile(path)
		for k, t := range used {
			if t.After(f.Recent[k]) {
				f.Recent[k] = t
			}
		}
		pruneRecents(f.Recent)
		for k, on := range stars {
			if on {
				f.Starred[k] = true
			} else {
				delete(f.Starred, k)
			}
		}
		raw, err := json.MarshalIndent(f, "", "  ")
		if err == nil {
			err = aws.WritePrivateFile(path, raw)
		}
		if err != nil {
			s.putBack(used, stars)
		}
		return err
	})
}

// takeChanges hands the unsaved changes to a save.
func (s *State) takeChanges() (map[string]time.Time, map[string]bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	used, stars := s.used, s.stars
	s.used, s.stars = nil, nil
	return used, stars
}

// putBack returns the changes of a failed save, under any made since.
func (s *State) putBack(used map[string]time.Time, stars map[string]bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.used == nil {
		s.used = map[string]time.Time{}
	}
	for k, t := range used {
		if t.After(s.used[k]) {
			s.used[k] = t
		}
	}
	newer := s.stars
	s.stars = maps.Clone(stars)
	if s.stars == nil {
		s.stars = map[string]bool{}
	}
	maps.Copy(s.stars, newer)
}
