package bench_test

import (
	"os"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

func TestBench(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "bench")
}

var (
	// reference is the running reference plugin.
	reference *pluginhost.Host
	// pulseBinary is the real plugin, for the wall-clock measurements.
	pulseBinary string
	// referenceBinary is the reference plugin, for the measurements that
	// start a fresh process of it.
	referenceBinary string
)

// Both plugins are built once per suite; the reference plugin runs for the
// whole suite, the real one is started by the specs that need it.
var _ = BeforeSuite(func(ctx SpecContext) {
	dir, err := os.MkdirTemp("", "pulse-bench-spec-")
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(os.RemoveAll, dir)
	binary, err := pluginhost.Build(ctx, pluginhost.BuildOptions{OutputDir: dir, Package: "github.com/pulse-datasource/pulse/backend/testkit/bench/refplugin"})
	Expect(err).NotTo(HaveOccurred(), "building the reference plugin")
	pulseBinary, err = pluginhost.Locate(ctx, pluginhost.BuildOptions{OutputDir: dir})
	Expect(err).NotTo(HaveOccurred(), "building the plugin")
	referenceBinary = binary
	reference, err = pluginhost.Start(ctx, pluginhost.Options{Binary: binary, LogOutput: GinkgoWriter})
	Expect(err).NotTo(HaveOccurred(), "starting the reference plugin")
	DeferCleanup(reference.Close)
}, NodeTimeout(10*time.Minute))
