package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/pulse-datasource/pulse/backend/testkit/internal/cli"
	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// config is what the flags and the environment say.
type config struct {
	query    string
	settings string
	duration time.Duration
	verbose  bool
	binary   string
	uid      string
	backfill time.Duration
	rows     int
	// check says to check the flags and environment only, then exit.
	check bool
	// from names where each setting came from, by flag name: "-query" for
	// the command line, "PULSE_QUERY" for the environment; absent for a
	// default. Errors name what the user actually set.
	from map[string]string
}

// envVars are the environment variables pulse-tail reads, in the order the
// usage lists them. A flag given on the command line wins over its
// variable.
var envVars = []cli.Env{
	{Flag: "query", Var: "PULSE_QUERY"},
	{Flag: "settings", Var: "PULSE_SETTINGS"},
	{Flag: "duration", Var: "PULSE_DURATION"},
	{Flag: "v", Var: "PULSE_VERBOSE"},
}

// Defaults.
const (
	defaultQuery    = `{"kind":"sine","stepMs":200}`
	defaultSettings = `{}`
)

// name is how an error names the setting of flag: as the user set it, or
// as the flag when it has its default.
func (c config) name(flag string) string { return cli.Name(c.from, flag) }

// parseConfig reads args (without the program name), then, for each flag
// not given there, its environment variable through getenv; it checks what
// it can before anything starts. -h prints the usage to usage and gives
// flag.ErrHelp.
func parseConfig(args []string, getenv func(string) string, usage io.Writer) (config, error) {
	cfg := config{
		query:    defaultQuery,
		settings: defaultSettings,
		uid:      "pulse",
		backfill: time.Minute,
		rows:     5,
		from:     map[string]string{},
	}
	fs := flag.NewFlagSet("pulse-tail", flag.ContinueOnError)
	// The flag package's own messages are discarded: an error is returned,
	// to be printed once, and -h prints the usage below.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(&cfg.query, "query", cfg.query, "the query's model as `JSON`, as a panel's query editor holds it (withStreaming is set for you)")
	fs.StringVar(&cfg.settings, "settings", cfg.settings, "the data source's settings (its jsonData) as `JSON`, e.g. '{\"minStepMs\":100}'")
	fs.Var((*durationValue)(&cfg.duration), "duration", "how long to follow the stream, a `duration` like 30s or 5m; 0 follows it until Ctrl-C")
	fs.Var((*boolValue)(&cfg.verbose), "v", "print the plugin's own log lines (debug level) to stderr; without it they are discarded")
	fs.StringVar(&cfg.binary, "binary", "", "the `path` of the plugin binary to run (default: $"+pluginhost.BinaryEnv+", else build it)")
	fs.StringVar(&cfg.uid, "uid", cfg.uid, "the data source's uid")
	fs.Var((*durationValue)(&cfg.backfill), "backfill", "the time range of the backfill query, up to now (a `duration`)")
	fs.IntVar(&cfg.rows, "rows", cfg.rows, "how many of the backfill's newest rows to print")
	fs.BoolVar(&cfg.check, "check", false, "check the flags and environment, then exit without starting anything (status 0 or 2)")
	from, err := cli.Parse(fs, "pulse-tail", args, envVars, getenv)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(fs, usage)
			return config{}, err
		}
		return config{}, badInput("%v", err)
	}
	cfg.from = from
	if cfg.rows < 0 {
		return config{}, badInput("%s must not be negative, got %d", cfg.name("rows"), cfg.rows)
	}
	if err := jsonObject(cfg.query); err != nil {
		return config{}, badInput("%s is not a JSON object (%v): %s", cfg.name("query"), err, cfg.query)
	}
	if err := jsonObject(cfg.settings); err != nil {
		return config{}, badInput("%s is not a JSON object (%v): %s", cfg.name("settings"), err, cfg.settings)
	}
	return cfg, nil
}

// jsonObject says why s is not a JSON object, if it is not.
func jsonObject(s string) error {
	var object map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &object); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return fmt.Errorf("it is a JSON %s", typeErr.Value)
		}
		return err
	}
	if object == nil {
		return errors.New("it is null")
	}
	return nil
}

// streamingModel is the query's model with withStreaming set.
func streamingModel(query string) (string, error) {
	var model map[string]json.RawMessage
	if err := json.Unmarshal([]byte(query), &model); err != nil {
		return "", err
	}
	model["withStreaming"] = json.RawMessage("true")
	b, err := json.Marshal(model)
	return string(b), err
}

// durationValue is a flag for a duration that is not negative, with an
// error that says what a duration looks like.
type durationValue time.Duration

func (d *durationValue) Set(s string) error {
	v, err := time.ParseDuration(s)
	if err != nil {
		return errors.New("not a duration (write it like 30s, 5m or 1h30m)")
	}
	if v < 0 {
		return errors.New("a duration must not be negative")
	}
	*d = durationValue(v)
	return nil
}

func (d *durationValue) String() string { return time.Duration(*d).String() }

// printUsage is the flag set's usage: what pulse-tail does, its flags with
// their environment variables, and its exit statuses.
func printUsage(fs *flag.FlagSet, w io.Writer) {
	fs.SetOutput(w)
	defer fs.SetOutput(io.Discard)
	fmt.Fprint(w, `Usage: pulse-tail [flags]

pulse-tail starts Pulse's plugin binary the way Grafana does and prints, in the
terminal: the newest rows of a backfill query, the rows the subscription hands
over, then the live stream, until -duration elapses or Ctrl-C.

Flags:
`)
	fs.PrintDefaults()
	cli.PrintEnv(w, envVars, 15)
	fmt.Fprint(w, `
Exit status: 0 when -duration elapsed or on Ctrl-C, 1 when something failed,
2 for bad input (flags, query or settings, or a query the plugin refused).
`)
}

// boolValue is a boolean flag with an error that says what it takes.
type boolValue bool

func (b *boolValue) Set(s string) error {
	v, err := strconv.ParseBool(strings.TrimSpace(s))
	if err != nil {
		return errors.New("not a boolean (write 1, true, 0 or false)")
	}
	*b = boolValue(v)
	return nil
}

func (b *boolValue) String() string { return strconv.FormatBool(bool(*b)) }

// IsBoolFlag lets -v stand alone on the command line.
func (b *boolValue) IsBoolFlag() bool { return true }
