package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("exitStatus", func() {
	var errOut *bytes.Buffer
	BeforeEach(func() { errOut = &bytes.Buffer{} })

	It("is 0, silently, without an error", func() {
		Expect(exitStatus(context.Background(), nil, errOut)).To(Equal(0))
		Expect(errOut.String()).To(BeEmpty())
	})

	It("is 0 after -h, which printed the usage", func() {
		Expect(exitStatus(context.Background(), flag.ErrHelp, errOut)).To(Equal(0))
		Expect(errOut.String()).To(BeEmpty())
	})

	It("is 2 for bad input, printed on one line", func() {
		err := fmt.Errorf("wrapped: %w", badInput("the plugin refused PULSE_QUERY %s: %s", `{"stepMs":0}`, "invalid query: stepMs: must be between 1 and 3600000, got 0"))
		Expect(exitStatus(context.Background(), err, errOut)).To(Equal(2))
		Expect(errOut.String()).To(Equal("pulse-tail: the plugin refused PULSE_QUERY {\"stepMs\":0}: invalid query: stepMs: must be between 1 and 3600000, got 0\n"))
	})

	It("is 1 for any other failure, printed on one line", func() {
		Expect(exitStatus(context.Background(), errors.New("the plugin ended the stream"), errOut)).To(Equal(1))
		Expect(errOut.String()).To(Equal("pulse-tail: the plugin ended the stream\n"))
	})

	It("is 0, silently, for the error of a call that Ctrl-C cut short", func() {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		Expect(exitStatus(ctx, fmt.Errorf("QueryData: %w", context.Canceled), errOut)).To(Equal(0))
		Expect(errOut.String()).To(BeEmpty())
	})
})

var _ = Describe("tail", func() {
	It("exits 2 for bad input before it starts anything, with one line on stderr and nothing on stdout", func(ctx SpecContext) {
		var out, errOut bytes.Buffer
		code := tail(ctx, nil, env{"PULSE_QUERY": `{"kind":"sine"`}.get, &out, &errOut)
		Expect(code).To(Equal(2))
		Expect(out.String()).To(BeEmpty())
		Expect(errOut.String()).To(Equal("pulse-tail: PULSE_QUERY is not a JSON object (unexpected end of JSON input): {\"kind\":\"sine\"\n"))
	})

	It("exits 2 for a -binary that does not exist", func(ctx SpecContext) {
		var out, errOut bytes.Buffer
		code := tail(ctx, []string{"-binary", "/nonexistent/gpx"}, env{}.get, &out, &errOut)
		Expect(code).To(Equal(2))
		Expect(errOut.String()).To(Equal("pulse-tail: -binary /nonexistent/gpx is not a file\n"))
	})
})
