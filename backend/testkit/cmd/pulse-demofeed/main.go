// Command pulse-demofeed makes up sensor readings for Pulse's demo
// dashboards and sends the same readings to an MQTT broker, a NATS server
// (with JetStream history) and its own HTTP listener (Server-Sent Events,
// NDJSON, WebSocket), so that each of Pulse's sources has something live to
// show: the compose file runs it beside mosquitto and nats, and it runs as
// well against brokers of your own.
//
// Each room takes a reading at its own rate (by default the kitchen at
// 10 Hz, the living room and the bedroom at 1 Hz, the garage at 0.2 Hz),
// as JSON:
//
//	{"ts":1795651643120,"seq":42,"temp":21.43,"humidity":41,"sensor":{"battery":0.93,"rssi":-61}}
//
// ts is when the reading was taken, in milliseconds since the epoch; seq
// counts the room's readings from 1. The values move smoothly, as
// mean-reverting random walks drawn from -seed, so the same seed gives the
// same values reading for reading. After every -malformed-every good
// readings (200 by default) one payload that is not JSON follows, as a
// faulty device would send. Every sink gets every reading; a sink whose
// address is empty is off:
//
//   - MQTT (-uri): <root>/<room>/climate, and a retained status on
//     <root>/<room>/status ({"state":"online",…}), published again after
//     every reconnect and set to "offline" when the feed stops.
//   - NATS (-nats, off by default): <root>.<room>.climate and
//     <root>.<room>.status, the root's slashes as dots. The JetStream
//     stream -stream (HOME) on <root>.> keeps them; the feed creates it,
//     bounded by -stream-max-age and -stream-max-bytes, when the server has
//     none of that name, and again after a reconnect to a server that lost
//     it.
//   - HTTP (-http, :8090): GET /sse/<root>/<room> streams Server-Sent
//     Events (retry 2000 ms; events named climate whose id is the seq, and
//     a status event now and then); a client that comes back with
//     Last-Event-ID gets the readings after that one first, from the last
//     -replay of the room, without a gap or a repeat. GET
//     /ndjson/<root>/<room> streams one JSON line per reading, GET
//     /ws/<root>/<room> one WebSocket text message per reading (a client
//     may send {"subscribe":"<root>/<room>/climate"} to add a room), and GET
//     /healthz answers 200 with each sink's state.
//
// The rooms take their first readings once every broker answered, so that
// each begins with seq 1; readings taken while a broker is away later are
// dropped for it and counted.
//
// From the repository root:
//
//	go run ./backend/testkit/cmd/pulse-demofeed -uri tcp://127.0.0.1:1883 -nats nats://127.0.0.1:4222
//
// Every flag but -probe has an environment variable (PULSE_DEMO_URI,
// PULSE_DEMO_NATS, PULSE_DEMO_HTTP, …); -h lists them. A flag on the command
// line wins over its variable. -probe asks the -http listener's /healthz
// and exits 0 when it answers: the compose file's healthcheck. The feed
// waits for brokers that are not up yet, reconnects after a loss, and logs
// to stderr. Ctrl-C or SIGTERM stops it with status 0; bad flags or
// environment exit with 2, an HTTP address it cannot listen on with 1.
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
	if cfg.probe {
		return probe(cfg, stderr)
	}
	if err := run(ctx, cfg, stderr); err != nil {
		fmt.Fprintln(stderr, "pulse-demofeed:", err)
		return 1
	}
	return 0
}
