package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// env is an environment for parseConfig's getenv.
type env map[string]string

func (e env) get(name string) string { return e[name] }

var _ = Describe("the flags and the environment", func() {
	It("default to the demo's four rooms under home/ on a local broker", func() {
		cfg, err := parseConfig(nil, env{}.get, io.Discard)
		Expect(err).NotTo(HaveOccurred())
		Expect(cfg.uri).To(Equal("tcp://127.0.0.1:1883"))
		Expect(cfg.root).To(Equal("home"))
		Expect(cfg.rooms).To(Equal([]room{{"kitchen", 10}, {"livingroom", 1}, {"bedroom", 1}, {"garage", 0.2}}))
		Expect(cfg.seed).To(Equal(uint64(1)))
		Expect(cfg.malformedEvery).To(Equal(200))
		Expect(cfg.report).To(Equal(time.Minute))
		Expect(cfg.clientID).To(MatchRegexp(`^pulse-demofeed-[0-9a-f]{8}$`))
		Expect(cfg.natsURL).To(BeEmpty(), "no NATS server unless asked")
		Expect(cfg.stream).To(Equal("HOME"))
		Expect(cfg.streamMaxAge).To(Equal(24 * time.Hour))
		Expect(cfg.streamMaxBytes).To(Equal(int64(64 << 20)))
		Expect(cfg.httpAddr).To(Equal(":8090"))
		Expect(cfg.replay).To(Equal(1000))
		Expect(cfg.statusEvery).To(Equal(15 * time.Second))
		Expect(cfg.probe).To(BeFalse())
	})

	It("read the NATS and HTTP settings from the environment, and turn MQTT off with an empty -uri", func() {
		cfg, err := parseConfig([]string{"-uri", "", "-http", "127.0.0.1:0"}, env{
			"PULSE_DEMO_NATS":             "nats://nats:4222",
			"PULSE_DEMO_STREAM":           "LAB",
			"PULSE_DEMO_STREAM_MAX_AGE":   "1h",
			"PULSE_DEMO_STREAM_MAX_BYTES": "2097152",
			"PULSE_DEMO_HTTP":             ":9000",
			"PULSE_DEMO_REPLAY":           "50",
			"PULSE_DEMO_STATUS_EVERY":     "2s",
		}.get, io.Discard)
		Expect(err).NotTo(HaveOccurred())
		Expect(cfg.uri).To(BeEmpty())
		Expect(cfg.natsURL).To(Equal("nats://nats:4222"))
		Expect(cfg.stream).To(Equal("LAB"))
		Expect(cfg.streamMaxAge).To(Equal(time.Hour))
		Expect(cfg.streamMaxBytes).To(Equal(int64(2 << 20)))
		Expect(cfg.httpAddr).To(Equal("127.0.0.1:0"))
		Expect(cfg.replay).To(Equal(50))
		Expect(cfg.statusEvery).To(Equal(2 * time.Second))
	})

	It("give the probe the listener's loopback address", func() {
		Expect(probeURL(":8090")).To(Equal("http://127.0.0.1:8090/healthz"))
		Expect(probeURL("0.0.0.0:1")).To(Equal("http://127.0.0.1:1/healthz"))
		Expect(probeURL("[::]:2")).To(Equal("http://127.0.0.1:2/healthz"))
		Expect(probeURL("[::1]:3")).To(Equal("http://[::1]:3/healthz"))
	})

	It("are read from the environment, and a flag on the command line wins over its variable", func() {
		cfg, err := parseConfig([]string{"-root", "lab"}, env{
			"PULSE_DEMO_URI":             "tcp://mosquitto:1883",
			"PULSE_DEMO_ROOT":            "ignored",
			"PULSE_DEMO_ROOMS":           "a=2, b=0.5",
			"PULSE_DEMO_SEED":            "42",
			"PULSE_DEMO_MALFORMED_EVERY": "0",
			"PULSE_DEMO_CLIENT_ID":       "demo",
			"PULSE_DEMO_REPORT":          "10s",
		}.get, io.Discard)
		Expect(err).NotTo(HaveOccurred())
		Expect(cfg.uri).To(Equal("tcp://mosquitto:1883"))
		Expect(cfg.root).To(Equal("lab"))
		Expect(cfg.rooms).To(Equal([]room{{"a", 2}, {"b", 0.5}}))
		Expect(cfg.seed).To(Equal(uint64(42)))
		Expect(cfg.malformedEvery).To(BeZero())
		Expect(cfg.clientID).To(Equal("demo"))
		Expect(cfg.report).To(Equal(10 * time.Second))
		Expect(cfg.rooms[1].period()).To(Equal(2 * time.Second))
	})

	DescribeTable("refuse bad input with status 2 and one line naming what was set",
		func(args []string, e env, want string) {
			var out bytes.Buffer
			code := demofeed(context.Background(), args, e.get, &out)
			Expect(code).To(Equal(2))
			Expect(out.String()).To(HavePrefix("pulse-demofeed: "))
			Expect(out.String()).To(ContainSubstring(want))
			Expect(strings.Count(out.String(), "\n")).To(Equal(1), out.String())
		},
		Entry("an unknown flag", []string{"-url", "tcp://x"}, env{}, "flag provided but not defined: -url"),
		Entry("an argument", []string{"tcp://x"}, env{}, `unexpected argument "tcp://x"`),
		Entry("a scheme paho cannot dial", []string{"-uri", "http://broker:1883"}, env{}, `-uri "http://broker:1883": the scheme must be one of tcp://`),
		Entry("no host", []string{"-uri", "tcp://:1883"}, env{}, "no host"),
		Entry("credentials in the address", nil, env{"PULSE_DEMO_URI": "tcp://u:p@broker"}, "PULSE_DEMO_URI"),
		Entry("a port out of range", []string{"-uri", "tcp://broker:70000"}, env{}, `port "70000"`),
		Entry("a root with a wildcard", []string{"-root", "home/#"}, env{}, "no wildcards"),
		Entry("a root for the broker's own topics", []string{"-root", "$SYS"}, env{}, "must not start with $"),
		Entry("a root ending with /", []string{"-root", "home/"}, env{}, "must not start or end with /"),
		Entry("a room without a rate", []string{"-rooms", "kitchen"}, env{}, `"kitchen" has no rate`),
		Entry("a rate out of bounds", nil, env{"PULSE_DEMO_ROOMS": "kitchen=1000"}, `PULSE_DEMO_ROOMS "kitchen=1000": room "kitchen": the rate "1000" is not a number of Hz from 0.01 to 100`),
		Entry("a rate that is not a number", []string{"-rooms", "kitchen=fast"}, env{}, `the rate "fast"`),
		Entry("a room named twice", []string{"-rooms", "a=1,a=2"}, env{}, `room "a" is named twice`),
		Entry("a room name with a level separator", []string{"-rooms", "a/b=1"}, env{}, "one topic level"),
		Entry("no rooms", []string{"-rooms", " , "}, env{}, "no rooms"),
		Entry("a seed that is not a whole number", nil, env{"PULSE_DEMO_SEED": "-1"}, `PULSE_DEMO_SEED "-1": want a whole number`),
		Entry("a negative cadence", []string{"-malformed-every", "-5"}, env{}, "-malformed-every must not be negative"),
		Entry("a report interval that is not a duration", nil, env{"PULSE_DEMO_REPORT": "often"}, "PULSE_DEMO_REPORT=often"),
		Entry("every sink off", []string{"-uri", "", "-http", ""}, env{}, "-uri, -nats and -http are all empty: the feed would publish nowhere"),
		Entry("a NATS address of another scheme", []string{"-nats", "http://nats:4222"}, env{}, `-nats "http://nats:4222": the scheme must be one of nats://, tls://`),
		Entry("a NATS address with a token", nil, env{"PULSE_DEMO_NATS": "nats://secret@nats:4222"}, `PULSE_DEMO_NATS "nats://secret@nats:4222": user names, passwords and tokens are not supported`),
		Entry("a NATS address without a host", []string{"-nats", "nats://:4222"}, env{}, "no host"),
		Entry("a NATS address with a path", []string{"-nats", "nats://nats:4222/x"}, env{}, "no path"),
		Entry("a room that is no NATS subject token", []string{"-nats", "nats://n", "-rooms", "a.b=1"}, env{}, `room "a.b": as a NATS subject, "a.b" has a dot`),
		Entry("a root with a NATS wildcard", []string{"-nats", "nats://n", "-root", "home/>"}, env{}, `-root "home/>": as a NATS subject`),
		Entry("a stream name with a dot", []string{"-nats", "nats://n", "-stream", "a.b"}, env{}, `-stream "a.b": a stream name has no dot`),
		Entry("a stream kept for no time", []string{"-nats", "nats://n", "-stream-max-age", "0s"}, env{}, "-stream-max-age must be positive"),
		Entry("a stream of a few bytes", []string{"-nats", "nats://n", "-stream-max-bytes", "100"}, env{}, "-stream-max-bytes must be at least 1048576"),
		Entry("an HTTP address without a port", []string{"-http", "localhost"}, env{}, `-http "localhost": not host:port`),
		Entry("an HTTP port out of range", nil, env{"PULSE_DEMO_HTTP": ":80000"}, `PULSE_DEMO_HTTP ":80000": port "80000"`),
		Entry("no readings to replay", []string{"-replay", "0"}, env{}, "-replay must be from 1 to 100000"),
		Entry("status events never", []string{"-status-every", "0s"}, env{}, "-status-every must be positive"),
		Entry("a probe without a listener", []string{"-probe", "-http", ""}, env{}, "-probe asks the HTTP listener, and -http is empty"),
	)

	It("print the usage with every variable on -h, and exit 0", func() {
		var out bytes.Buffer
		_, err := parseConfig([]string{"-h"}, env{}.get, &out)
		Expect(errors.Is(err, flag.ErrHelp)).To(BeTrue())
		for _, v := range envVars {
			Expect(out.String()).To(ContainSubstring(v.Var + " "))
			Expect(out.String()).To(ContainSubstring("-" + v.Flag))
		}
		Expect(demofeed(context.Background(), []string{"-h"}, env{}.get, io.Discard)).To(Equal(0))
	})
})
