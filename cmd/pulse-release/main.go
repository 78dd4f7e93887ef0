// Command pulse-release builds and checks Pulse's release archives; the
// magefile's Package, CheckPackage, CheckTag and ReleaseNotes targets run it.
//
//	pulse-release package [-dist dist] [-out build]
//	pulse-release check [-root .] [ZIP...]          (default: every build/*.zip)
//	pulse-release check-tag [-root .] TAG
//	pulse-release notes [-changelog CHANGELOG.md] [-o FILE] TAG
//
// package signs each archive's tree with Grafana's sign-plugin when
// GRAFANA_ACCESS_POLICY_TOKEN is set, and says that the archives are unsigned
// when it is not.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// command is one subcommand: it parses its own flags from args.
type command func(args []string, stdout io.Writer) error

// commands are the subcommands by name.
var commands = map[string]command{
	"package":   runPackage,
	"check":     runCheck,
	"check-tag": runCheckTag,
	"notes":     runNotes,
}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "pulse-release:", err)
		os.Exit(1)
	}
}

// run dispatches to the subcommand args[0] names.
func run(args []string, stdout io.Writer) error {
	if len(args) == 0 || commands[args[0]] == nil {
		names := make([]string, 0, len(commands))
		for name := range commands {
			names = append(names, name)
		}
		sort.Strings(names)
		return fmt.Errorf("usage: pulse-release %s [flags] ...", strings.Join(names, "|"))
	}
	return commands[args[0]](args[1:], stdout)
}
