package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
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
	uri            string // the MQTT broker; "" publishes to none
	root           string
	rooms          []room
	seed           uint64
	malformedEvery int
	clientID       string
	report         time.Duration

	natsURL        string // the NATS server; "" publishes to none
	stream         string // the JetStream stream; "" stores nothing
	streamMaxAge   time.Duration
	streamMaxBytes int64

	httpAddr    string // the HTTP listener's address; "" serves nothing
	replay      int    // readings per room kept for SSE clients that resume
	statusEvery time.Duration

	// probe asks for the HTTP listener's /healthz instead of running the
	// feed: the compose file's healthcheck, in an image without curl.
	probe bool
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
	{Flag: "nats", Var: "PULSE_DEMO_NATS"},
	{Flag: "stream", Var: "PULSE_DEMO_STREAM"},
	{Flag: "stream-max-age", Var: "PULSE_DEMO_STREAM_MAX_AGE"},
	{Flag: "stream-max-bytes", Var: "PULSE_DEMO_STREAM_MAX_BYTES"},
	{Flag: "http", Var: "PULSE_DEMO_HTTP"},
	{Flag: "replay", Var: "PULSE_DEMO_REPLAY"},
	{Flag: "status-every", Var: "PULSE_DEMO_STATUS_EVERY"},
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

	defaultStream         = "HOME"
	defaultStreamMaxAge   = 24 * time.Hour
	defaultStreamMaxBytes = 64 << 20
	minStreamMaxBytes     = 1 << 20
	defaultHTTP           = ":8090"
	defaultReplay         = 1000
	maxReplay             = 100_000
	defaultStatusEvery    = 15 * time.Second
)

// schemes are the broker addresses paho.mqtt.golang dials.
var schemes = []string{"tcp", "mqtt", "ssl", "tls", "mqtts", "ws", "wss"}

// natsSchemes are the NATS server addresses the feed dials.
var natsSchemes = []string{"nats", "tls"}

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
	fs.StringVar(&cfg.natsURL, "nats", "", "the NATS server's `address`, nats://host:4222 (also tls://): publish on <root>.<room>.climate there too; empty publishes to no NATS server")
	fs.StringVar(&cfg.stream, "stream", defaultStream, "the JetStream `stream` that keeps what goes out on <root>.>, created when the server has none of that name; empty creates none")
	fs.DurationVar(&cfg.streamMaxAge, "stream-max-age", defaultStreamMaxAge, "how long a stream the feed creates keeps a message, a `duration`")
	fs.Int64Var(&cfg.streamMaxBytes, "stream-max-bytes", defaultStreamMaxBytes, "how many `bytes` a stream the feed creates keeps at most, the oldest going first")
	fs.StringVar(&cfg.httpAddr, "http", defaultHTTP, "the `address` to serve the readings on over HTTP: Server-Sent Events, NDJSON and WebSocket; empty serves nothing")
	fs.IntVar(&cfg.replay, "replay", defaultReplay, "how many `readings` per room the HTTP listener keeps for an SSE client that comes back with Last-Event-ID")
	fs.DurationVar(&cfg.statusEvery, "status-every", defaultStatusEvery, "how often an SSE stream carries the room's status event, a `duration`")
	fs.BoolVar(&cfg.probe, "probe", false, "ask the -http listener's /healthz and exit 0 when it answers 200, 1 otherwise, instead of publishing")
	from, err := cli.Parse(fs, "pulse-demofeed", args, envVars, getenv)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(fs, usage)
			return config{}, err
		}
		return config{}, badInput("%v", err)
	}
	cfg.from = from

	if cfg.uri != "" {
		if err := checkURI(cfg.uri); err != nil {
			return config{}, badInput("%s %q: %v", cfg.name("uri"), cfg.uri, err)
		}
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
	if err := cfg.checkSinks(); err != nil {
		return config{}, err
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
	_, err := checkServerURL(uri, schemes, "tcp://127.0.0.1:1883", "user names and passwords")
	return err
}

// checkServerURL parses raw, the address of a server the feed dials
// anonymously, and says why it is not one: a scheme not among schemes, no
// host, credentials (what the server would take, for the message) or a
// port out of range. example is such an address, for the messages.
func checkServerURL(raw string, schemes []string, example, credentials string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("not a URL; write it like " + example)
	}
	if !slices.Contains(schemes, u.Scheme) {
		return nil, fmt.Errorf("the scheme must be one of %s://", strings.Join(schemes, "://, "))
	}
	if u.Hostname() == "" {
		return nil, errors.New("no host; write it like " + example)
	}
	if u.User != nil {
		return nil, errors.New(credentials + " are not supported: the demo feed connects anonymously")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("port %q is not a number from 1 to 65535", p)
		}
	}
	return u, nil
}

// checkSinks checks the NATS and HTTP settings, and that the feed has
// somewhere to send its readings.
func (c config) checkSinks() error {
	if c.uri == "" && c.natsURL == "" && c.httpAddr == "" {
		return badInput("%s, %s and %s are all empty: the feed would publish nowhere", c.name("uri"), c.name("nats"), c.name("http"))
	}
	if c.natsURL != "" {
		if err := checkNATSURL(c.natsURL); err != nil {
			return badInput("%s %q: %v", c.name("nats"), c.natsURL, err)
		}
		for _, token := range strings.Split(c.root, "/") {
			if err := checkSubjectToken(token); err != nil {
				return badInput("%s %q: as a NATS subject, %v", c.name("root"), c.root, err)
			}
		}
		for _, r := range c.rooms {
			if err := checkSubjectToken(r.name); err != nil {
				return badInput("%s: room %q: as a NATS subject, %v", c.name("rooms"), r.name, err)
			}
		}
		if c.stream != "" {
			if err := checkStreamName(c.stream); err != nil {
				return badInput("%s %q: %v", c.name("stream"), c.stream, err)
			}
		}
		if c.streamMaxAge <= 0 {
			return badInput("%s must be positive, got %s", c.name("stream-max-age"), c.streamMaxAge)
		}
		if c.streamMaxBytes < minStreamMaxBytes {
			return badInput("%s must be at least %d (1 MiB), got %d", c.name("stream-max-bytes"), minStreamMaxBytes, c.streamMaxBytes)
		}
	}
	if c.httpAddr != "" {
		if err := checkListenAddr(c.httpAddr); err != nil {
			return badInput("%s %q: %v", c.name("http"), c.httpAddr, err)
		}
	}
	if c.replay < 1 || c.replay > maxReplay {
		return badInput("%s must be from 1 to %d, got %d", c.name("replay"), maxReplay, c.replay)
	}
	if c.statusEvery <= 0 {
		return badInput("%s must be positive, got %s", c.name("status-every"), c.statusEvery)
	}
	if c.probe && c.httpAddr == "" {
		return badInput("-probe asks the HTTP listener, and %s is empty", c.name("http"))
	}
	return nil
}

// checkNATSURL says why u is not a NATS server address the feed can dial
// without credentials.
func checkNATSURL(u string) error {
	parsed, err := checkServerURL(u, natsSchemes, "nats://127.0.0.1:4222", "user names, passwords and tokens")
	if err != nil {
		return err
	}
	if (parsed.Path != "" && parsed.Path != "/") || parsed.RawQuery != "" || parsed.Fragment != "" {
		return errors.New("a NATS address has no path, query or fragment")
	}
	return nil
}

// checkSubjectToken says why s cannot be one token of a NATS subject.
func checkSubjectToken(s string) error {
	switch {
	case s == "":
		return errors.New("a token is empty")
	case strings.ContainsAny(s, ".*> \t\r\n\x00"):
		return fmt.Errorf("%q has a dot, a wildcard (*, >) or white space", s)
	}
	return nil
}

// checkStreamName says why s cannot name a JetStream stream.
func checkStreamName(s string) error {
	switch {
	case len(s) > 255 || !utf8.ValidString(s):
		return errors.New("a stream name is UTF-8 of at most 255 bytes")
	case strings.ContainsAny(s, ".*>/\\ \t\r\n\x00"):
		return errors.New("a stream name has no dot, wildcard (*, >), slash or white space")
	}
	return nil
}

// checkListenAddr says why addr is not an address to listen on.
func checkListenAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return errors.New("not host:port; write it like :8090 or 127.0.0.1:8090")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("port %q is not a number from 0 to 65535", port)
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

pulse-demofeed makes up sensor readings for Pulse's demo dashboards: each
room's climate as JSON at the room's rate, now and then a payload that is not
JSON, and each room's status. The same readings go to every sink set:

  MQTT (-uri)   <root>/<room>/climate, a retained <root>/<room>/status
  NATS (-nats)  <root>.<room>.climate and .status, kept by the JetStream
                stream -stream (subjects <root>.>), created when absent
  HTTP (-http)  GET /sse/<root>/<room>     Server-Sent Events (climate, status),
                                          resumable with Last-Event-ID
                GET /ndjson/<root>/<room>  one JSON line per reading
                GET /ws/<root>/<room>      WebSocket, one text message per reading
                GET /healthz

An empty address turns its sink off. It waits for brokers that are not up yet
and reconnects after a loss. Ctrl-C or SIGTERM stops it.

Flags:
`)
	fs.PrintDefaults()
	cli.PrintEnv(w, envVars, 27)
	fmt.Fprint(w, `
Exit status: 0 when stopped by Ctrl-C or SIGTERM, 1 when something failed,
2 for bad flags or environment.
`)
}
