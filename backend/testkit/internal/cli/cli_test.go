package cli_test

import (
	"bytes"
	"flag"
	"io"
	"testing"

	"github.com/pulse-datasource/pulse/backend/testkit/internal/cli"
)

var env = []cli.Env{{Flag: "a", Var: "X_A"}, {Flag: "b", Var: "X_B"}}

func flags() (*flag.FlagSet, *string, *int) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs, fs.String("a", "da", ""), fs.Int("b", 1, "")
}

func TestParse(t *testing.T) {
	vars := map[string]string{"X_A": "from-env", "X_B": "7"}
	fs, a, b := flags()
	from, err := cli.Parse(fs, "tool", []string{"-a", "cmd"}, env, func(k string) string { return vars[k] })
	if err != nil || *a != "cmd" || *b != 7 {
		t.Fatalf("got %q %d %v: the command line wins, the variable fills the rest", *a, *b, err)
	}
	if cli.Name(from, "a") != "-a" || cli.Name(from, "b") != "X_B" || cli.Name(from, "c") != "-c" {
		t.Fatalf("names %v", from)
	}
	for _, c := range []struct {
		args []string
		vars map[string]string
		want string
	}{
		{[]string{"-nope"}, nil, "flag provided but not defined: -nope (-h lists the flags)"},
		{[]string{"x"}, nil, `unexpected argument "x": tool takes flags only (-h lists them)`},
		{nil, map[string]string{"X_B": "many"}, "X_B=many: parse error"},
	} {
		fs, _, _ := flags()
		_, err := cli.Parse(fs, "tool", c.args, env, func(k string) string { return c.vars[k] })
		if err == nil || !bytes.Contains([]byte(err.Error()), []byte(c.want)) {
			t.Errorf("%v %v: got %v, want %q", c.args, c.vars, err, c.want)
		}
	}
	fs, _, _ = flags()
	if _, err := cli.Parse(fs, "tool", []string{"-h"}, env, func(string) string { return "" }); err != flag.ErrHelp {
		t.Errorf("-h gives %v", err)
	}
}

func TestPrintEnv(t *testing.T) {
	var w bytes.Buffer
	cli.PrintEnv(&w, env, 5)
	if got, want := w.String(), "\nEnvironment (a flag on the command line wins over its variable):\n  X_A   -a\n  X_B   -b\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
