package main

import (
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestPulseBench(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "pulse-bench")
}

var _ = Describe("parseFlags", func() {
	It("runs every section by default, in order", func() {
		GinkgoT().Setenv(sectionsEnv, "")
		cfg, err := parseFlags(nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(cfg.sections).To(Equal(allSections))
		Expect(cfg.stalled).To(Equal([]int{100, 500}))
		Expect(cfg.stalledBehind).To(Equal(2 * time.Second))
		Expect(cfg.stalledAtOnce).To(Equal(500))
		Expect(cfg.worstQueries).To(Equal(100))
		Expect(cfg.worstMaxRSS).To(Equal(int64(4_000_000_000)))
		Expect(cfg.worstMaxTime).To(Equal(time.Minute))
		Expect(cfg.mqttMessages).To(Equal(200_000))
		Expect(cfg.mqttStalled).To(Equal(1_000_000))
		Expect(cfg.mqttTopics).To(Equal(1000))
		Expect(cfg.feedMessages).To(Equal(50_000))
		Expect(cfg.feedDuration).To(Equal(5 * time.Second))
		Expect(allSections[len(allSections)-5:]).To(Equal([]string{"mqtt", "nats", "sse", "ndjson", "websocket"}), "the push sources run last, MQTT first")
	})

	It("runs the feed sections alone and reads their settings, and refuses nonsense", func() {
		GinkgoT().Setenv(sectionsEnv, "")
		cfg, err := parseFlags([]string{"-sections", "nats,sse,ndjson,websocket", "-feed-messages", "2000", "-feed-duration", "2s"})
		Expect(err).NotTo(HaveOccurred())
		Expect(cfg.sections).To(Equal([]string{"nats", "sse", "ndjson", "websocket"}))
		Expect(cfg.feedMessages).To(Equal(2000))
		Expect(cfg.feedDuration).To(Equal(2 * time.Second))
		for _, args := range [][]string{{"-feed-messages", "0"}, {"-feed-duration", "0s"}, {"-feed-duration", "-1s"}, {"-sections", "http"}} {
			_, err := parseFlags(args)
			Expect(err).To(HaveOccurred(), "%v", args)
		}
	})

	It("takes the sections from the environment unless the flag names them", func() {
		GinkgoT().Setenv(sectionsEnv, "stalled, worstquery")
		cfg, err := parseFlags(nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(cfg.sections).To(Equal([]string{"stalled", "worstquery"}))
		cfg, err = parseFlags([]string{"-sections", "latency"})
		Expect(err).NotTo(HaveOccurred())
		Expect(cfg.sections).To(Equal([]string{"latency"}))
	})

	It("refuses an unknown section, from the flag or the environment", func() {
		GinkgoT().Setenv(sectionsEnv, "")
		_, err := parseFlags([]string{"-sections", "scale,stall"})
		Expect(err).To(MatchError(ContainSubstring(`unknown section "stall"`)))
		GinkgoT().Setenv(sectionsEnv, "worst")
		_, err = parseFlags(nil)
		Expect(err).To(MatchError(ContainSubstring(`unknown section "worst"`)))
	})

	It("runs the MQTT section alone and reads its settings, and refuses nonsense", func() {
		GinkgoT().Setenv(sectionsEnv, "")
		cfg, err := parseFlags([]string{"-sections", "mqtt", "-mqtt-messages", "5000", "-mqtt-stalled", "20000", "-mqtt-topics", "50"})
		Expect(err).NotTo(HaveOccurred())
		Expect(cfg.sections).To(Equal([]string{"mqtt"}))
		Expect(cfg.mqttMessages).To(Equal(5000))
		Expect(cfg.mqttStalled).To(Equal(20_000))
		Expect(cfg.mqttTopics).To(Equal(50))
		for _, args := range [][]string{{"-mqtt-messages", "0"}, {"-mqtt-stalled", "-1"}, {"-mqtt-topics", "0"}, {"-mqtt-topics", "x"}} {
			_, err := parseFlags(args)
			Expect(err).To(HaveOccurred(), "%v", args)
		}
	})

	It("lists the MQTT latency runs: the quiet rate on as many topics as the latency section's channels, the busy rate on one", func() {
		runs := mqttLatencyRuns(config{latencyStreams: 7})
		Expect(runs).To(HaveLen(2))
		Expect(runs[0].topics).To(Equal(7))
		Expect(runs[0].rate).To(Equal(10.0))
		Expect(runs[1].topics).To(Equal(1))
		Expect(runs[1].rate).To(Equal(1000.0))
	})

	It("reads the stalled and worst-request settings, and refuses nonsense", func() {
		GinkgoT().Setenv(sectionsEnv, "")
		cfg, err := parseFlags([]string{"-stalled", "10, 20", "-stalled-at-once", "0", "-worst-queries", "30", "-worst-max-rss-mb", "2000"})
		Expect(err).NotTo(HaveOccurred())
		Expect(cfg.stalled).To(Equal([]int{10, 20}))
		Expect(cfg.stalledAtOnce).To(BeZero())
		Expect(cfg.worstQueries).To(Equal(30))
		Expect(cfg.worstMaxRSS).To(Equal(int64(2_000_000_000)))
		for _, args := range [][]string{
			{"-stalled", "0"}, {"-stalled", "x"}, {"-stalled-behind", "0s"}, {"-stalled-at-once", "-1"},
			{"-worst-queries", "0"}, {"-worst-max-rss-mb", "0"}, {"-worst-max-time", "0s"},
		} {
			_, err := parseFlags(args)
			Expect(err).To(HaveOccurred(), "%v", args)
		}
	})
})
