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
