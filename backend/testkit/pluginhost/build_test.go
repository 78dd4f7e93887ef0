package pluginhost_test

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

var _ = Describe("Build with another package", Label("build"), func() {
	It("builds that package under its own name, not the plugin's", func(ctx SpecContext) {
		dir := GinkgoT().TempDir()
		binary, err := pluginhost.Build(ctx, pluginhost.BuildOptions{OutputDir: dir, Package: "github.com/pulse-datasource/pulse/backend/testkit/cmd/pulse-tail"})
		Expect(err).NotTo(HaveOccurred())
		want := "pulse-tail_" + runtime.GOOS + "_" + runtime.GOARCH
		if runtime.GOOS == "windows" {
			want += ".exe"
		}
		Expect(binary).To(Equal(filepath.Join(dir, want)))

		// pulse-tail's flag usage proves it is that command, not the plugin.
		out, err := exec.CommandContext(ctx, binary, "-h").CombinedOutput()
		Expect(err).NotTo(HaveOccurred())
		Expect(string(out)).To(ContainSubstring("-duration"))
	}, SpecTimeout(5*time.Minute))

	It("reports the go command's output for a package that does not exist", func(ctx SpecContext) {
		_, err := pluginhost.Build(ctx, pluginhost.BuildOptions{OutputDir: GinkgoT().TempDir(), Package: "./no/such/package"})
		Expect(err).To(MatchError(ContainSubstring("no/such/package")))
	}, SpecTimeout(5*time.Minute))
})
