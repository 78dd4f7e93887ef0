package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// env is a fake environment for parseConfig.
type env map[string]string

func (e env) get(name string) string { return e[name] }

var _ = Describe("parseConfig", func() {
	It("has defaults that follow a sine until Ctrl-C with default settings", func() {
		cfg, err := parseConfig(nil, env{}.get, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Expect(cfg.query).To(Equal(`{"kind":"sine","stepMs":200}`))
		Expect(cfg.settings).To(Equal(`{}`))
		Expect(cfg.duration).To(BeZero(), "no duration: until Ctrl-C")
		Expect(cfg.verbose).To(BeFalse())
		Expect(cfg.backfill).To(Equal(time.Minute))
		Expect(cfg.rows).To(Equal(5))
		Expect(cfg.name("query")).To(Equal("-query"))
	})

	It("reads PULSE_QUERY, PULSE_SETTINGS, PULSE_DURATION and PULSE_VERBOSE, and names them in errors", func() {
		cfg, err := parseConfig(nil, env{
			"PULSE_QUERY":    `{"kind":"counter"}`,
			"PULSE_SETTINGS": `{"minStepMs":100,"maxStreams":10}`,
			"PULSE_DURATION": "3s",
			"PULSE_VERBOSE":  "1",
		}.get, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Expect(cfg.query).To(Equal(`{"kind":"counter"}`))
		Expect(cfg.settings).To(Equal(`{"minStepMs":100,"maxStreams":10}`))
		Expect(cfg.duration).To(Equal(3 * time.Second))
		Expect(cfg.verbose).To(BeTrue())
		Expect(cfg.name("query")).To(Equal("PULSE_QUERY"))
		Expect(cfg.name("settings")).To(Equal("PULSE_SETTINGS"))
	})

	It("takes the matching flags, which win over the environment", func() {
		cfg, err := parseConfig(
			[]string{"-query", `{"kind":"square"}`, "-settings", `{"maxSeries":2}`, "-duration", "1m", "-v=false", "-rows", "3"},
			env{"PULSE_QUERY": `{"kind":"counter"}`, "PULSE_SETTINGS": `{"minStepMs":5}`, "PULSE_DURATION": "3s", "PULSE_VERBOSE": "true"}.get,
			GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Expect(cfg.query).To(Equal(`{"kind":"square"}`))
		Expect(cfg.settings).To(Equal(`{"maxSeries":2}`))
		Expect(cfg.duration).To(Equal(time.Minute))
		Expect(cfg.verbose).To(BeFalse())
		Expect(cfg.rows).To(Equal(3))
		Expect(cfg.name("query")).To(Equal("-query"))
		Expect(cfg.name("settings")).To(Equal("-settings"))
	})

	It("takes -v alone", func() {
		cfg, err := parseConfig([]string{"-v"}, env{}.get, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		Expect(cfg.verbose).To(BeTrue())
	})

	DescribeTable("refuses bad input as such, naming what the user set",
		func(args []string, environment env, want string) {
			_, err := parseConfig(args, environment.get, GinkgoWriter)
			var bad *inputError
			Expect(errors.As(err, &bad)).To(BeTrue(), "an input error: %v", err)
			Expect(err.Error()).To(Equal(want))
		},
		Entry("a duration in the environment", nil, env{"PULSE_DURATION": "3x"},
			"PULSE_DURATION=3x: not a duration (write it like 30s, 5m or 1h30m)"),
		Entry("a negative duration", []string{"-duration", "-1s"}, env{},
			`invalid value "-1s" for flag -duration: a duration must not be negative (-h lists the flags)`),
		Entry("a query that is not JSON", nil, env{"PULSE_QUERY": `{"kind":`},
			`PULSE_QUERY is not a JSON object (unexpected end of JSON input): {"kind":`),
		Entry("a query that is an array", []string{"-query", "[1]"}, env{},
			`-query is not a JSON object (it is a JSON array): [1]`),
		Entry("a query that is null", nil, env{"PULSE_QUERY": "null"},
			`PULSE_QUERY is not a JSON object (it is null): null`),
		Entry("settings that are not JSON", nil, env{"PULSE_SETTINGS": `{"minStepMs":100`},
			`PULSE_SETTINGS is not a JSON object (unexpected end of JSON input): {"minStepMs":100`),
		Entry("settings that are a string", []string{"-settings", `"x"`}, env{},
			`-settings is not a JSON object (it is a JSON string): "x"`),
		Entry("PULSE_VERBOSE that is not a boolean", nil, env{"PULSE_VERBOSE": "yes"},
			"PULSE_VERBOSE=yes: not a boolean (write 1, true, 0 or false)"),
		Entry("an unknown flag", []string{"-stepMs", "5"}, env{},
			"flag provided but not defined: -stepMs (-h lists the flags)"),
		Entry("an argument", []string{"sine"}, env{},
			`unexpected argument "sine": pulse-tail takes flags only (-h lists them)`),
		Entry("negative rows", []string{"-rows", "-1"}, env{},
			"-rows must not be negative, got -1"),
	)

	It("prints the usage for -h, with the environment variables and exit statuses", func() {
		var usage bytes.Buffer
		_, err := parseConfig([]string{"-h"}, env{}.get, &usage)
		Expect(err).To(MatchError(flag.ErrHelp))
		for _, want := range []string{"-duration duration", "PULSE_QUERY     -query", "PULSE_SETTINGS  -settings",
			"PULSE_DURATION  -duration", "PULSE_VERBOSE   -v", "Exit status: 0"} {
			Expect(usage.String()).To(ContainSubstring(want))
		}
	})

	It("prints nothing itself for a bad flag: the error is printed once, by exitStatus", func() {
		var usage bytes.Buffer
		_, err := parseConfig([]string{"-nope"}, env{}.get, &usage)
		Expect(err).To(HaveOccurred())
		Expect(usage.String()).To(BeEmpty())
	})
})

var _ = Describe("streamingModel", func() {
	It("sets withStreaming and keeps the rest, misspelt fields included", func() {
		model, err := streamingModel(`{"kind":"sine","stepMS":200,"withStreaming":false}`)
		Expect(err).NotTo(HaveOccurred())
		var got map[string]any
		Expect(json.Unmarshal([]byte(model), &got)).To(Succeed())
		Expect(got).To(Equal(map[string]any{"kind": "sine", "stepMS": 200.0, "withStreaming": true}))
	})
})

var _ = Describe("-check", func() {
	It("checks the flags and environment and exits 0 without starting anything", func(ctx SpecContext) {
		var out, errOut bytes.Buffer
		// A binary that does not exist would fail any run.
		Expect(tail(ctx, []string{"-check", "-binary", "/nonexistent"}, env{"PULSE_DURATION": "3s"}.get, &out, &errOut)).To(Equal(0))
		Expect(out.String() + errOut.String()).To(BeEmpty())
	})

	It("exits 2 with the error's one line for bad input", func(ctx SpecContext) {
		var out, errOut bytes.Buffer
		Expect(tail(ctx, []string{"-check"}, env{"PULSE_DURATION": "soon"}.get, &out, &errOut)).To(Equal(2))
		Expect(errOut.String()).To(Equal("pulse-tail: PULSE_DURATION=soon: not a duration (write it like 30s, 5m or 1h30m)\n"))
	})
})
