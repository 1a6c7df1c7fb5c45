package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Debug lines never write over the picker: held until it closes, or sent
// to SSOPICK_DEBUG_FILE.
func TestDebugLinesStayOffThePicker(t *testing.T) {
	t.Parallel()
	s := newTmux(t, 100, 30)
	s.typeText("SSOPICK_DEBUG=1 ssopick demo; echo EXIT=$?")
	s.send("Enter")
	screen := s.waitFor(demoRoleCount+" of "+demoRoleCount+" roles", 15*time.Second)
	if strings.Contains(screen, "debug:") {
		t.Fatalf("debug lines on the picker's screen:\n%s", screen)
	}
	s.send("C-c")
	screen = s.waitFor("EXIT=130", 10*time.Second)
	if !strings.Contains(screen, "debug: POST") && !strings.Contains(screen, "debug: GET") {
		t.Errorf("the held debug lines were not written after the picker closed:\n%s", screen)
	}

	file := filepath.Join(t.TempDir(), "debug.log")
	s.typeText("clear; SSOPICK_DEBUG=1 SSOPICK_DEBUG_FILE=" + file + " ssopick demo; echo EXIT=$?")
	s.send("Enter")
	s.waitFor(demoRoleCount+" of "+demoRoleCount+" roles", 15*time.Second)
	s.send("C-c")
	screen = s.waitFor("EXIT=130", 10*time.Second)
	logged, err := os.ReadFile(file)
	if err != nil || !strings.Contains(string(logged), "debug: GET") || strings.Contains(screen, "debug:") {
		t.Errorf("SSOPICK_DEBUG_FILE: %v; the file holds %d bytes; the screen:\n%s", err, len(logged), screen)
	}
}
