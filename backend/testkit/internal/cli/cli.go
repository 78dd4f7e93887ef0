// Package cli holds what Pulse's command-line tools (pulse-tail,
// pulse-demofeed) share: flags that an environment variable can set too,
// errors that name what the user actually set, and the usage text's list
// of variables.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// Env pairs a flag with the environment variable that sets it when the
// command line does not.
type Env struct {
	Flag, Var string
}

// Parse reads args (without the program's name) into fs, then sets every
// flag of env that the command line left unset from its variable, read
// through getenv; a flag given on the command line wins. It returns, for
// each flag set either way, how the user set it: "-name" or the variable's
// name, for errors that name what the user set (see Name). flag.ErrHelp is
// returned as it is; any other error says in a sentence what is wrong,
// naming program.
func Parse(fs *flag.FlagSet, program string, args []string, env []Env, getenv func(string) string) (map[string]string, error) {
	from := map[string]string{}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, fmt.Errorf("%v (-h lists the flags)", err)
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q: %s takes flags only (-h lists them)", fs.Arg(0), program)
	}
	fs.Visit(func(f *flag.Flag) { from[f.Name] = "-" + f.Name })
	for _, e := range env {
		value := getenv(e.Var)
		if _, onCommandLine := from[e.Flag]; onCommandLine || value == "" {
			continue
		}
		if err := fs.Set(e.Flag, value); err != nil {
			return nil, fmt.Errorf("%s=%s: %v", e.Var, value, err)
		}
		from[e.Flag] = e.Var
	}
	return from, nil
}

// Name is how an error names the setting of flag: as the user set it
// (from, as Parse returned it), or as the flag when it has its default.
func Name(from map[string]string, flag string) string {
	if n, ok := from[flag]; ok {
		return n
	}
	return "-" + flag
}

// PrintEnv writes the usage's list of variables, one a line, each beside
// its flag, the names padded to width.
func PrintEnv(w io.Writer, env []Env, width int) {
	fmt.Fprint(w, "\nEnvironment (a flag on the command line wins over its variable):\n")
	for _, e := range env {
		fmt.Fprintf(w, "  %-*s -%s\n", width, e.Var, e.Flag)
	}
}
