package catalog_test

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/internal/catalog"
)

var _ = Describe("Packaging a built dist folder", func() {
	var dist, out string

	BeforeEach(func() {
		dist = filepath.Join(GinkgoT().TempDir(), "dist")
		out = filepath.Join(GinkgoT().TempDir(), "build")
		t := goodTree()
		t["module.js.map"] = file{`{"version":3}`, 0o644}
		t["MANIFEST.txt"] = file{"a stale signature", 0o644}
		t.writeDir(dist)
	})

	pack := func() []string {
		staged, err := catalog.Stage(dist, filepath.Join(out, "stage"))
		Expect(err).NotTo(HaveOccurred())
		zips, err := catalog.Pack(staged, out)
		Expect(err).NotTo(HaveOccurred())
		return zips
	}

	It("makes one archive for all platforms and one per platform", func() {
		var names []string
		for _, z := range pack() {
			names = append(names, filepath.Base(z))
		}
		Expect(names).To(Equal([]string{
			"pulse-streaming-datasource-0.1.0.zip",
			"pulse-streaming-datasource-0.1.0.linux_amd64.zip",
			"pulse-streaming-datasource-0.1.0.linux_arm64.zip",
			"pulse-streaming-datasource-0.1.0.linux_arm.zip",
			"pulse-streaming-datasource-0.1.0.darwin_amd64.zip",
			"pulse-streaming-datasource-0.1.0.darwin_arm64.zip",
			"pulse-streaming-datasource-0.1.0.windows_amd64.zip",
		}))
	})

	It("puts everything in a folder named after the id, binaries executable, without maps or a stale signature", func() {
		all := pack()[0]
		modes := zipModes(all)
		Expect(modes).To(HaveKeyWithValue("pulse-streaming-datasource/", fs.ModeDir|0o755))
		Expect(modes).To(HaveKeyWithValue("pulse-streaming-datasource/img/", fs.ModeDir|0o755))
		for _, name := range []string{"plugin.json", "module.js", "img/logo.svg", "img/live.png", "README.md", "CHANGELOG.md", "LICENSE"} {
			Expect(modes).To(HaveKeyWithValue("pulse-streaming-datasource/"+name, fs.FileMode(0o644)))
		}
		for _, p := range catalog.Platforms {
			Expect(modes).To(HaveKeyWithValue("pulse-streaming-datasource/"+p.Binary("gpx_pulse_streaming"), fs.FileMode(0o755)))
		}
		Expect(modes).To(HaveLen(2 + 7 + 6))
	})

	It("sets the modes in the zip whatever dist's are, and leaves dist as it was", func() {
		readme := filepath.Join(dist, "README.md")
		linuxArm := filepath.Join(dist, "gpx_pulse_streaming_linux_arm")
		Expect(os.Chmod(readme, 0o700)).To(Succeed())
		Expect(os.Chmod(linuxArm, 0o700)).To(Succeed())
		modes := zipModes(pack()[0])
		Expect(modes).To(HaveKeyWithValue("pulse-streaming-datasource/README.md", fs.FileMode(0o644)))
		Expect(modes).To(HaveKeyWithValue("pulse-streaming-datasource/gpx_pulse_streaming_linux_arm", fs.FileMode(0o755)))
		for _, p := range []string{readme, linuxArm} {
			info, err := os.Stat(p)
			Expect(err).NotTo(HaveOccurred())
			Expect(info.Mode().Perm()).To(Equal(fs.FileMode(0o700)), p)
		}
		Expect(filepath.Join(dist, "module.js.map")).To(BeAnExistingFile())
	})

	It("gives each platform's archive that platform's binary only", func() {
		zips := pack()
		for i, p := range catalog.Platforms {
			var binaries []string
			for name := range zipModes(zips[i+1]) {
				if strings.Contains(name, "gpx_") {
					binaries = append(binaries, name)
				}
			}
			Expect(binaries).To(ConsistOf("pulse-streaming-datasource/" + p.Binary("gpx_pulse_streaming")))
		}
	})

	It("makes archives that pass the check", func() {
		for _, z := range pack() {
			opts := catalog.CheckOptions{Version: "0.1.0", Platforms: catalog.PlatformsOf(filepath.Base(z))}
			Expect(catalog.Check(z, opts)).To(Succeed(), z)
		}
	})

	It("writes a sha256sum line beside every zip", func() {
		for _, z := range pack() {
			data, err := os.ReadFile(z)
			Expect(err).NotTo(HaveOccurred())
			sum := sha256.Sum256(data)
			line, err := os.ReadFile(z + ".sha256")
			Expect(err).NotTo(HaveOccurred())
			Expect(string(line)).To(Equal(hex.EncodeToString(sum[:]) + "  " + filepath.Base(z) + "\n"))
		}
	})

	It("replaces the trees of an earlier run", func() {
		pack()
		Expect(os.Remove(filepath.Join(dist, "img", "live.png"))).To(Succeed())
		pack()
		Expect(zipModes(filepath.Join(out, "pulse-streaming-datasource-0.1.0.zip"))).NotTo(HaveKey("pulse-streaming-datasource/img/live.png"))
	})

	It("refuses a dist whose frontend is not built for release", func() {
		t := goodTree()
		m := manifest()
		m["info"].(map[string]any)["version"] = "%VERSION%"
		t.setManifest(m)
		t.writeDir(dist)
		_, err := catalog.Stage(dist, filepath.Join(out, "stage"))
		Expect(err).To(MatchError(ContainSubstring("npm run build")))
	})

	It("refuses a dist without every platform's binary, naming the missing ones", func() {
		Expect(os.Remove(filepath.Join(dist, "gpx_pulse_streaming_linux_arm"))).To(Succeed())
		Expect(os.Remove(filepath.Join(dist, "gpx_pulse_streaming_windows_amd64.exe"))).To(Succeed())
		_, err := catalog.Stage(dist, filepath.Join(out, "stage"))
		Expect(err).To(MatchError(And(
			ContainSubstring("gpx_pulse_streaming_linux_arm,"),
			ContainSubstring("gpx_pulse_streaming_windows_amd64.exe"),
			ContainSubstring("go tool mage buildAll"),
		)))
	})
})

var _ = Describe("Platforms", func() {
	It("names binaries as the SDK's build does", func() {
		Expect(catalog.Platform{OS: "linux", Arch: "arm"}.Binary("gpx_x")).To(Equal("gpx_x_linux_arm"))
		Expect(catalog.Platform{OS: "windows", Arch: "amd64"}.Binary("gpx_x")).To(Equal("gpx_x_windows_amd64.exe"))
	})

	It("reads an archive's platform from its name", func() {
		Expect(catalog.PlatformsOf("p-datasource-1.0.0.darwin_arm64.zip")).To(Equal([]catalog.Platform{{OS: "darwin", Arch: "arm64"}}))
		Expect(catalog.PlatformsOf("p-datasource-1.0.0.zip")).To(Equal(catalog.Platforms))
	})

	It("knows semantic versions", func() {
		for _, v := range []string{"0.1.0", "1.20.3", "1.0.0-rc.1", "2.0.0+build.5", "1.0.0-alpha-1"} {
			Expect(catalog.IsSemver(v)).To(BeTrue(), v)
		}
		for _, v := range []string{"v1.0.0", "1.0", "01.0.0", "1.0.0-", "%VERSION%", ""} {
			Expect(catalog.IsSemver(v)).To(BeFalse(), v)
		}
	})
})
