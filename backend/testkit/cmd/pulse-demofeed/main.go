// Command pulse-demofeed publishes made-up sensor readings to an MQTT broker,
// so that Pulse's MQTT data source has something live to show: the compose
// file runs it beside mosquitto, and it runs as well against a broker of your
// own.
//
// Each room publishes its climate as JSON on <root>/<room>/climate at its own
// rate (by default home/kitchen/climate at 10 Hz, home/livingroom/climate and
// home/bedroom/climate at 1 Hz, home/garage/climate at 0.2 Hz):
//
//	{"ts":1795651643120,"seq":42,"temp":21.43,"humidity":41,"sensor":{"battery":0.93,"rssi":-61}}
//
// ts is when the reading was taken, in milliseconds since the epoch. The
// values move smoothly, as mean-reverting random walks drawn from -seed, so
// the same seed gives the same values message for message. After every
// -malformed-every good messages (200 by default) one payload that is not
// JSON follows on the same topic, as a faulty device would send. Each room
// also has a retained status on <root>/<room>/status ({"state":"online",…}),
// published again after every reconnect and set to "offline" when the feed
// stops.
//
// From the repository root:
//
//	go run ./backend/testkit/cmd/pulse-demofeed -uri tcp://127.0.0.1:1883
//
// Every flag has an environment variable (PULSE_DEMO_URI, PULSE_DEMO_ROOT,
// PULSE_DEMO_ROOMS, PULSE_DEMO_SEED, PULSE_DEMO_MALFORMED_EVERY,
// PULSE_DEMO_CLIENT_ID, PULSE_DEMO_REPORT); -h lists them. A flag on the
// command line wins over its variable. The feed waits for a broker that is
// not up yet, reconnects after a loss, and logs to stderr. Ctrl-C or SIGTERM
// stops it with status 0; bad flags or environment exit with 2.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := demofeed(ctx, os.Args[1:], os.Getenv, os.Stderr)
	stop()
	os.Exit(code)
}

// demofeed is the command run with args and the environment getenv reads,
// until ctx ends; it returns the exit status. Log lines and errors go to
// stderr.
func demofeed(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) int {
	cfg, err := parseConfig(args, getenv, stderr)
	var bad *usageError
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &bad):
		fmt.Fprintln(stderr, "pulse-demofeed:", err)
		return 2
	case err != nil:
		fmt.Fprintln(stderr, "pulse-demofeed:", err)
		return 1
	}
	if err := run(ctx, cfg, stderr); err != nil {
		fmt.Fprintln(stderr, "pulse-demofeed:", err)
		return 1
	}
	return 0
}
