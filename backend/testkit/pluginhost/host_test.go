package pluginhost_test

import (
	"context"
	"os"
	"path/filepath"
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

	It("uses the binary PULSE_PLUGIN_BINARY names", func(ctx SpecContext) {
		GinkgoT().Setenv(pluginhost.BinaryEnv, "/nonexistent/gpx")
		_, err := pluginhost.Locate(ctx, pluginhost.BuildOptions{})
		Expect(err).To(MatchError(ContainSubstring("/nonexistent/gpx")))
	})
})
