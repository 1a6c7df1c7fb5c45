package ui

import (
	"encoding/json"
	"os"
	"time"

	"github.com/ssopick/ssopick/aws"
)

// maxRecents bounds the recent-use history.
const maxRecents = 200

// State is what ssopick remembers between runs: when each role was last
// used, and which rows are starred. It lives in
// $XDG_STATE_HOME/ssopick/state.json.
type State struct {
	Recent  map[string]time.Time `json:"recent"`
	Starred map[string]bool      `json:"starred"`
}

// RowKey identifies a row across runs and refreshes.
func RowKey(r aws.Row) string { return r.Session + "|" + r.AccountID + "|" + r.RoleName }

// LoadState reads the state file; a missing or unreadable one is an empty
// state (it only orders the list).
func LoadState(path string) *State {
	s := &State{Recent: map[string]time.Time{}, Starred: map[string]bool{}}
	raw, err := os.ReadFile(path)
	if err != nil {
		return s
	}
	var loaded State
	if json.Unmarshal(raw, &loaded) == nil {
		if loaded.Recent != nil {
			s.Recent = loaded.Recent
		}
		if loaded.Starred != nil {
			s.Starred = loaded.Starred
		}
	}
	return s
}

// Used records a use of the row at t, forgetting the oldest uses past
// maxRecents.
func (s *State) Used(r aws.Row, t time.Time) {
	s.Recent[RowKey(r)] = t
	for len(s.Recent) > maxRecents {
		var oldest string
		for k, v := range s.Recent {
			if oldest == "" || v.Before(s.Recent[oldest]) {
				oldest = k
			}
		}
		delete(s.Recent, oldest)
	}
}

// ToggleStar stars or unstars the row.
func (s *State) ToggleStar(r aws.Row) {
	k := RowKey(r)
	if s.Starred[k] {
		delete(s.Starred, k)
	} else {
		s.Starred[k] = true
	}
}

// clone copies the state so a save can run while the UI goes on.
func (s *State) clone() *State {
	c := &State{Recent: make(map[string]time.Time, len(s.Recent)), Starred: make(map[string]bool, len(s.Starred))}
	for k, v := range s.Recent {
		c.Recent[k] = v
	}
	for k, v := range s.Starred {
		c.Starred[k] = v
	}
	return c
}

// Save writes the state atomically with mode 0600.
func (s *State) Save(path string) error {
	raw, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return aws.WritePrivateFile(path, raw)
}
