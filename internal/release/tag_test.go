package release_test

import (
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/internal/release"
)

var _ = Describe("The tag check", func() {
	both := func(pkg, plugin string) []release.Version {
		return []release.Version{{Source: "package.json", Value: pkg}, {Source: "src/plugin.json", Value: plugin}}
	}

	It("passes a tag equal to v + both versions", func() {
		Expect(release.CheckTag("v1.2.3", both("1.2.3", "1.2.3"))).To(Succeed())
		Expect(release.CheckTag("v1.2.3-rc.1", both("1.2.3-rc.1", "1.2.3-rc.1"))).To(Succeed())
	})

	It("takes plugin.json's placeholder as package.json's version, which webpack stamps in", func() {
		Expect(release.CheckTag("v0.1.0", both("0.1.0", release.Placeholder))).To(Succeed())
	})

	It("fails when a manifest says another version, naming it", func() {
		Expect(release.CheckTag("v0.2.0", both("0.1.0", release.Placeholder))).To(MatchError(
			`tag v0.2.0 does not match: package.json says "0.1.0" (want "0.2.0" everywhere)`))
		Expect(release.CheckTag("v0.2.0", both("0.2.0", "0.1.0"))).To(MatchError(ContainSubstring(`src/plugin.json says "0.1.0"`)))
		built := append(both("0.2.0", release.Placeholder), release.Version{Source: "dist/plugin.json", Value: "0.1.0"})
		Expect(release.CheckTag("v0.2.0", built)).To(MatchError(ContainSubstring(`dist/plugin.json says "0.1.0"`)))
	})

	It("fails a tag that is not v + a semantic version", func() {
		for _, tag := range []string{"0.1.0", "v0.1", "release-0.1.0", "v", "vx.y.z"} {
			Expect(release.CheckTag(tag, both("0.1.0", "0.1.0"))).To(MatchError(ContainSubstring("not v followed by a semantic version")), tag)
		}
	})

	It("fails when no manifest states a version", func() {
		Expect(release.CheckTag("v0.1.0", both(release.Placeholder, release.Placeholder))).To(MatchError(ContainSubstring("no manifest")))
	})

	Describe("reading the versions", func() {
		var root string

		write := func(name, content string) {
			p := filepath.Join(root, name)
			Expect(os.MkdirAll(filepath.Dir(p), 0o755)).To(Succeed())
			Expect(os.WriteFile(p, []byte(content), 0o644)).To(Succeed())
		}

		BeforeEach(func() {
			root = GinkgoT().TempDir()
			write("package.json", `{"name":"x","version":"0.3.0"}`)
			write("src/plugin.json", `{"id":"x-datasource","info":{"version":"%VERSION%"}}`)
		})

		It("reads package.json and src/plugin.json", func() {
			Expect(release.ReadVersions(root)).To(Equal([]release.Version{
				{Source: "package.json", Value: "0.3.0"},
				{Source: "src/plugin.json", Value: release.Placeholder},
			}))
			Expect(release.PackageVersion(root)).To(Equal("0.3.0"))
		})

		It("adds dist/plugin.json once the frontend is built", func() {
			write("dist/plugin.json", `{"id":"x-datasource","info":{"version":"0.3.0"}}`)
			Expect(release.ReadVersions(root)).To(ContainElement(release.Version{Source: "dist/plugin.json", Value: "0.3.0"}))
		})

		It("fails on a manifest without a version", func() {
			write("src/plugin.json", `{"id":"x-datasource","info":{}}`)
			_, err := release.ReadVersions(root)
			Expect(err).To(MatchError(ContainSubstring("no info.version")))
		})
	})
})
