package aws

import (
	"context"
	"errors"
	"time"
)

// AgentIdle is how long the agent waits for a request before it exits.
const AgentIdle = 15 * time.Minute

// errNoAgentHere: Windows always has Credential Manager; there is no agent.
var errNoAgentHere = errors.New("the agent is not available on Windows; Credential Manager keeps the credentials")

// AgentSocket: there is no agent on Windows.
func AgentSocket(func(string) string, Paths) (string, error) { return "", errNoAgentHere }

// ServeAgent: there is no agent on Windows.
func ServeAgent(context.Context, string, time.Duration, string) error { return errNoAgentHere }

type agentCache struct {
	socket    string
	startLock string
	start     func(socket string) error
}

func (*agentCache) Get(string) (CachedRole, bool, error) { return CachedRole{}, false, errNoAgentHere }
func (*agentCache) Put(string, CachedRole) error         { return errNoAgentHere }
func (*agentCache) Delete(string) error                  { return errNoAgentHere }
