package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pulse-datasource/pulse/backend/testkit/internal/cli"
)

// config is what the flags and the environment say.
type config struct {
	uri            string
	root           string
	rooms          []room
	seed           uint64
	malformedEvery int
	clientID       string
	report         time.Duration
	// from names where each setting came from, by flag name: "-uri" for the
	// command line, "PULSE_DEMO_URI" for the environment; absent for a
	// default. Errors name what the user actually set.
	from map[string]string
}

// room is one sensor: it publishes on <root>/<name>/climate every 1/rate
// seconds, and its status on <root>/<name>/status.
type room struct {
	name string
	rate float64 // Hz
}

// period is the time between two of the room's readings.
func (r room) period() time.Duration {
	return time.Duration(float64(time.Second) / r.rate)
}

// envVars are the environment variables pulse-demofeed reads, in the order the
// usage lists them. A flag given on the command line wins over its
// variable.
var envVars = []cli.Env{
	{Flag: "uri", Var: "PULSE_DEMO_URI"},
	{Flag: "root", Var: "PULSE_DEMO_ROOT"},
	{Flag: "rooms", Var: "PULSE_DEMO_ROOMS"},
	{Flag: "seed", Var: "PULSE_DEMO_SEED"},
	{Flag: "malformed-every", Var: "PULSE_DEMO_MALFORMED_EVERY"},
	{Flag: "client-id", Var: "PULSE_DEMO_CLIENT_ID"},
	{Flag: "report", Var: "PULSE_DEMO_REPORT"},
}

// Defaults and bounds.
const (
	defaultURI   = "tcp://127.0.0.1:1883"
	defaultRoot  = "home"
	defaultRooms = "kitchen=10,livingroom=1,bedroom=1,garage=0.2"
	// defaultMalformedEvery: one payload that is not JSON after every 200
	// good ones, across all rooms.
	defaultMalformedEvery = 200
	defaultReport         = time.Minute
	minRate, maxRate      = 0.01, 100.0 // Hz
	maxRooms              = 64
	maxNameBytes          = 64
)

// schemes are the broker addresses paho.mqtt.golang dials.
var schemes = []string{"tcp", "mqtt", "ssl", "tls", "mqtts", "ws", "wss"}

// usageError is an error in what the user gave: pulse-demofeed exits with
// status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func badInput(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// name is how an error names the setting of flag: as the user set it, or as
// the flag when it has its default.
func (c config) name(flag string) string { return cli.Name(c.from, flag) }

// parseConfig reads args (without the program name), then, for each flag not
// given there, its environment variable through getenv, and checks them all
// before anything connects. -h prints the usage to usage and gives
// flag.ErrHelp.
func parseConfig(args []string, getenv func(string) string, usage io.Writer) (config, error) {
	cfg := config{from: map[string]string{}}
	var rooms, seed string
	fs := flag.NewFlagSet("pulse-demofeed", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(&cfg.uri, "uri", defaultURI, "the broker's `address`: tcp://host:port (also mqtt://, ssl://, tls://, mqtts://, ws://, wss://)")
	fs.StringVar(&cfg.root, "root", defaultRoot, "the `topic` every room publishes under: <root>/<room>/climate and <root>/<room>/status")
	fs.StringVar(&rooms, "rooms", defaultRooms, "the rooms and their rates in Hz, as `name=rate,…`")
	fs.StringVar(&seed, "seed", "1", "picks the random walks: the same seed gives the same values, message for message (a whole `number`)")
	fs.IntVar(&cfg.malformedEvery, "malformed-every", defaultMalformedEvery, "publish one payload that is not JSON after every `n` good ones, on the climate topic of the room that published the n-th; 0 never does")
	fs.StringVar(&cfg.clientID, "client-id", "", "the MQTT client `ID` (default: pulse-demofeed- and 8 random hexadecimal digits)")
	fs.DurationVar(&cfg.report, "report", defaultReport, "how often to log how many messages went out, a `duration`; 0 logs only at the end")
	from, err := cli.Parse(fs, "pulse-demofeed", args, envVars, getenv)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(fs, usage)
			return config{}, err
		}
		return config{}, badInput("%v", err)
	}
	cfg.from = from

	if err := checkURI(cfg.uri); err != nil {
		return config{}, badInput("%s %q: %v", cfg.name("uri"), cfg.uri, err)
	}
	if err := checkRoot(cfg.root); err != nil {
		return config{}, badInput("%s %q: %v", cfg.name("root"), cfg.root, err)
	}
	if cfg.rooms, err = parseRooms(rooms); err != nil {
		return config{}, badInput("%s %q: %v", cfg.name("rooms"), rooms, err)
	}
	if cfg.seed, err = strconv.ParseUint(strings.TrimSpace(seed), 10, 64); err != nil {
		return config{}, badInput("%s %q: want a whole number from 0 to %d", cfg.name("seed"), seed, uint64(math.MaxUint64))
	}
	if cfg.malformedEvery < 0 {
		return config{}, badInput("%s must not be negative, got %d", cfg.name("malformed-every"), cfg.malformedEvery)
	}
	if cfg.report < 0 {
		return config{}, badInput("%s must not be negative, got %s", cfg.name("report"), cfg.report)
	}
	if cfg.clientID == "" {
		var id [4]byte
		_, _ = rand.Read(id[:]) // crypto/rand.Read never fails.
		cfg.clientID = "pulse-demofeed-" + hex.EncodeToString(id[:])
	} else if len(cfg.clientID) > 65535 || !utf8.ValidString(cfg.clientID) {
		return config{}, badInput("%s must be UTF-8 of at most 65535 bytes", cfg.name("client-id"))
	}
	return cfg, nil
}

// checkURI says why uri is not a broker address paho can dial without
// credentials.
func checkURI(uri string) error {
	u, err := url.Parse(uri)
	if err != nil {
		return errors.New("not a URL; write it like tcp://127.0.0.1:1883")
	}
	if !slices.Contains(schemes, u.Scheme) {
		return fmt.Errorf("the scheme must be one of %s://", strings.Join(schemes, "://, "))
	}
	if u.Hostname() == "" {
		return errors.New("no host; write it like tcp://127.0.0.1:1883")
	}
	if u.User != nil {
		return errors.New("user names and passwords are not supported: the demo feed connects anonymously")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("port %q is not a number from 1 to 65535", p)
		}
	}
	return nil
}

// checkRoot says why root cannot prefix the feed's topics.
func checkRoot(root string) error {
	switch {
	case root == "":
		return errors.New("empty; give a topic such as home")
	case strings.HasPrefix(root, "/") || strings.HasSuffix(root, "/"):
		return errors.New("must not start or end with /")
	case strings.HasPrefix(root, "$"):
		return errors.New("must not start with $, which MQTT keeps for the broker's own topics")
	case strings.ContainsAny(root, "+#\x00"):
		return errors.New("a topic to publish on has no wildcards (+, #)")
	case !utf8.ValidString(root) || len(root) > 1024:
		return errors.New("must be UTF-8 of at most 1024 bytes")
	}
	return nil
}

// parseRooms reads "kitchen=10,livingroom=1": names in order, rates in Hz.
func parseRooms(s string) ([]room, error) {
	var rooms []room
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, rate, ok := strings.Cut(part, "=")
		name, rate = strings.TrimSpace(name), strings.TrimSpace(rate)
		if !ok {
			return nil, fmt.Errorf("%q has no rate; write name=rate in Hz, like kitchen=10", part)
		}
		switch {
		case name == "":
			return nil, fmt.Errorf("%q has no room name", part)
		case strings.ContainsAny(name, "/+#\x00") || strings.HasPrefix(name, "$"):
			return nil, fmt.Errorf("room %q: a name is one topic level, without /, +, # or a leading $", name)
		case len(name) > maxNameBytes || !utf8.ValidString(name):
			return nil, fmt.Errorf("room %q: a name is UTF-8 of at most %d bytes", name, maxNameBytes)
		case slices.ContainsFunc(rooms, func(r room) bool { return r.name == name }):
			return nil, fmt.Errorf("room %q is named twice", name)
		}
		hz, err := strconv.ParseFloat(rate, 64)
		if err != nil || math.IsNaN(hz) || hz < minRate || hz > maxRate {
			return nil, fmt.Errorf("room %q: the rate %q is not a number of Hz from %v to %v", name, rate, minRate, maxRate)
		}
		rooms = append(rooms, room{name: name, rate: hz})
	}
	if len(rooms) == 0 {
		return nil, errors.New("no rooms; write name=rate,… like kitchen=10,garage=0.2")
	}
	if len(rooms) > maxRooms {
		return nil, fmt.Errorf("%d rooms; at most %d", len(rooms), maxRooms)
	}
	return rooms, nil
}

// printUsage is the flag set's usage: what pulse-demofeed does, its flags
// with their environment variables, and its exit statuses.
func printUsage(fs *flag.FlagSet, w io.Writer) {
	fs.SetOutput(w)
	defer fs.SetOutput(io.Discard)
	fmt.Fprint(w, `Usage: pulse-demofeed [flags]

pulse-demofeed publishes made-up sensor readings to an MQTT broker, for Pulse's
demo dashboard: each room's climate as JSON on <root>/<room>/climate at the
room's rate, a retained status on <root>/<room>/status, and now and then a
payload that is not JSON. It waits for a broker that is not up yet and
reconnects after a loss. Ctrl-C or SIGTERM stops it.

Flags:
`)
	fs.PrintDefaults()
	cli.PrintEnv(w, envVars, 27)
	fmt.Fprint(w, `
Exit status: 0 when stopped by Ctrl-C or SIGTERM, 1 when something failed,
2 for bad flags or environment.
`)
}
