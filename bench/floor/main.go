// Command floor is the stack's floor for the start-up figures: a program
// that does nothing but link what ssopick is built on (Bubble Tea, Lip
// Gloss, Cobra and the SDK packages it uses), at the versions of the
// project's go.mod. Its start-up is what any program on this stack pays
// before its first line of its own runs.
package main

import (
	_ "charm.land/bubbletea/v2"
	_ "charm.land/lipgloss/v2"
	_ "github.com/aws/aws-sdk-go-v2/config"
	_ "github.com/aws/aws-sdk-go-v2/service/sso"
	_ "github.com/aws/aws-sdk-go-v2/service/ssooidc"
	_ "github.com/aws/aws-sdk-go-v2/service/sts"
	_ "github.com/spf13/cobra"
)

func main() {}
