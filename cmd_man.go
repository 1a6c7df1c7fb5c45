package main

import (
	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

func newManCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "man",
		Short: "Print the manual page (roff) for ssopick and its commands",
		Example: `  ssopick man > /usr/local/share/man/man1/ssopick.1
  ssopick man | man -l -`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			root := cmd.Root()
			header := &doc.GenManHeader{Title: "SSOPICK", Section: "1", Source: "ssopick " + version, Manual: "ssopick manual"}
			// One page: the root's, with every command's usage and
			// examples appended as sections.
			return doc.GenMan(withCommandsInLong(root), header, cmd.OutOrStdout())
		},
	}
}

// withCommandsInLong returns the root with each command's long help and
// examples folded into its description, so `man ssopick` covers all.
func withCommandsInLong(root *cobra.Command) *cobra.Command {
	long := root.Long + "\n\nCOMMANDS\n"
	for _, c := range root.Commands() {
		if c.Hidden || c.Name() == "help" {
			continue
		}
		text := c.Long
		if text == "" {
			text = c.Short
		}
		long += "\n" + c.UseLine() + "\n\n" + text + "\n"
		if c.Example != "" {
			long += "\nExamples:\n" + c.Example + "\n"
		}
	}
	page := *root
	page.Long = long
	return &page
}
