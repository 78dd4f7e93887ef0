package pluginhost_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

var _ = Describe("Start", func() {
	It("fails, without hanging, for a binary that does not speak the plugin protocol", func(ctx SpecContext) {
		fake := filepath.Join(GinkgoT().TempDir(), "not-a-plugin")
		Expect(os.WriteFile(fake, []byte("#!/bin/sh\necho hello\n"), 0o755)).To(Succeed())
		_, err := pluginhost.Start(ctx, pluginhost.Options{Binary: fake, StartTimeout: 20 * time.Second})
		Expect(err).To(HaveOccurred())
	}, SpecTimeout(time.Minute))

	It("builds the plugin, starts it as Grafana does and closes it", Label("build"), func(ctx SpecContext) {
		GinkgoT().Setenv(pluginhost.BinaryEnv, "")
		binary, err := pluginhost.Locate(ctx, pluginhost.BuildOptions{OutputDir: GinkgoT().TempDir()})
		Expect(err).NotTo(HaveOccurred())
		Expect(filepath.Base(binary)).To(Equal(pluginhost.HostBinaryName()))

		host, err := pluginhost.Start(ctx, pluginhost.Options{Binary: binary, LogOutput: GinkgoWriter})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(host.Close)
		Expect(host.Pid()).NotTo(BeZero())

		callCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		resp, err := host.Diagnostics.CheckHealth(callCtx, pluginhost.Instance{UID: "x"}.CheckHealthRequest())
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.GetStatus()).To(Equal(pluginv2.CheckHealthResponse_OK))

		host.Close()
		Expect(host.Exited()).To(BeTrue())
	}, SpecTimeout(5*time.Minute))

	It("leaves no plugin process behind when its context ends before or during the start", Label("build"), func(ctx SpecContext) {
		built, err := pluginhost.Locate(ctx, pluginhost.BuildOptions{OutputDir: GinkgoT().TempDir()})
		Expect(err).NotTo(HaveOccurred())
		// A copy of its own, so that no other spec's plugin counts.
		binary := filepath.Join(GinkgoT().TempDir(), "gpx_cancelled_start")
		raw, err := os.ReadFile(built)
		Expect(err).NotTo(HaveOccurred())
		Expect(os.WriteFile(binary, raw, 0o755)).To(Succeed())

		for _, after := range []time.Duration{-1, 0, time.Millisecond, 5 * time.Millisecond, 20 * time.Millisecond, 100 * time.Millisecond} {
			startCtx, cancel := context.WithCancel(ctx)
			if after < 0 {
				cancel()
			} else {
				time.AfterFunc(after, cancel)
			}
			host, err := pluginhost.Start(startCtx, pluginhost.Options{Binary: binary, LogOutput: GinkgoWriter})
			if err == nil {
				host.Close() // the start won the race
			} else {
				Expect(err).To(MatchError(context.Canceled), "cancelled after %s", after)
			}
			cancel()
		}
		Eventually(func() []int { return processesOf(binary) }).WithTimeout(30 * time.Second).Should(BeEmpty())
	}, SpecTimeout(5*time.Minute))

	It("uses the binary PULSE_PLUGIN_BINARY names", func(ctx SpecContext) {
		GinkgoT().Setenv(pluginhost.BinaryEnv, "/nonexistent/gpx")
		_, err := pluginhost.Locate(ctx, pluginhost.BuildOptions{})
		Expect(err).To(MatchError(ContainSubstring("/nonexistent/gpx")))
	})
})

// processesOf are the ids of the running processes whose executable is
// binary, from /proc.
func processesOf(binary string) []int {
	GinkgoHelper()
	entries, err := os.ReadDir("/proc")
	Expect(err).NotTo(HaveOccurred())
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe")); err == nil && exe == binary {
			pids = append(pids, pid)
		}
	}
	return pids
}
