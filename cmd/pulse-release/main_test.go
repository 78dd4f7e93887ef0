package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/internal/catalog"
)

func TestPulseRelease(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "pulse-release")
}

// project writes a repository root with package.json at version, a
// CHANGELOG.md and a dist/ built as npm run build and BuildAll would.
func project(version string) string {
	root := GinkgoT().TempDir()
	files := map[string]string{
		"package.json":       `{"name":"pulse-streaming-datasource","version":"` + version + `"}`,
		"src/plugin.json":    `{"id":"pulse-streaming-datasource","info":{"version":"%VERSION%"}}`,
		"CHANGELOG.md":       "# Changelog\n\n## [" + version + "]\n\n### Added\n- Everything.\n",
		"dist/plugin.json":   `{"type":"datasource","id":"pulse-streaming-datasource","backend":true,"executable":"gpx_pulse_streaming","info":{"version":"` + version + `","logos":{"small":"img/logo.svg","large":"img/logo.svg"}},"dependencies":{"grafanaDependency":">=11.6.0"}}`,
		"dist/module.js":     "define([],function(){});",
		"dist/module.js.map": "{}",
		"dist/img/logo.svg":  "<svg/>",
		"dist/README.md":     "# Pulse\n",
		"dist/CHANGELOG.md":  "# Changelog\n",
		"dist/LICENSE":       "Apache-2.0\n",
	}
	for _, p := range catalog.Platforms {
		files["dist/"+p.Binary("gpx_pulse_streaming")] = "\x00binary"
	}
	for name, content := range files {
		path := filepath.Join(root, filepath.FromSlash(name))
		Expect(os.MkdirAll(filepath.Dir(path), 0o755)).To(Succeed())
		Expect(os.WriteFile(path, []byte(content), 0o755)).To(Succeed())
	}
	return root
}

func runOut(args ...string) (string, error) {
	var out strings.Builder
	err := run(args, &out)
	return out.String(), err
}

var _ = Describe("pulse-release", func() {
	var root string

	BeforeEach(func() {
		root = project("1.2.3")
		GinkgoT().Setenv("GRAFANA_ACCESS_POLICY_TOKEN", "")
	})

	It("names its subcommands when given none it knows", func() {
		_, err := runOut("publish")
		Expect(err).To(MatchError("usage: pulse-release check|check-tag|notes|package [flags] ..."))
	})

	It("packages unsigned without the token, saying so, and the check passes every archive", func() {
		out, err := runOut("package", "-dist", filepath.Join(root, "dist"), "-out", filepath.Join(root, "build"))
		Expect(err).NotTo(HaveOccurred())
		Expect(out).To(ContainSubstring("GRAFANA_ACCESS_POLICY_TOKEN is not set: the archives are UNSIGNED"))
		Expect(out).To(ContainSubstring("wrote " + filepath.Join(root, "build", "pulse-streaming-datasource-1.2.3.linux_arm.zip")))

		out, err = runOut("check", "-root", root)
		Expect(err).NotTo(HaveOccurred())
		Expect(strings.Count(out, "ok  ")).To(Equal(7))
	})

	It("fails the check of a corrupted archive and of one built at another version", func() {
		_, err := runOut("package", "-dist", filepath.Join(root, "dist"), "-out", filepath.Join(root, "build"))
		Expect(err).NotTo(HaveOccurred())
		zip := filepath.Join(root, "build", "pulse-streaming-datasource-1.2.3.zip")
		data, err := os.ReadFile(zip)
		Expect(err).NotTo(HaveOccurred())
		Expect(os.WriteFile(zip, data[:len(data)/2], 0o644)).To(Succeed())

		_, err = runOut("check", "-root", root, zip)
		Expect(err).To(MatchError(ContainSubstring("rule zip: ")))

		Expect(os.WriteFile(filepath.Join(root, "package.json"), []byte(`{"version":"1.2.4"}`), 0o644)).To(Succeed())
		_, err = runOut("check", "-root", root)
		Expect(err).To(MatchError(ContainSubstring(`rule version: plugin.json info.version "1.2.3" differs from package.json's "1.2.4"`)))
	})

	It("replaces the archives of an earlier version", func() {
		stale := filepath.Join(root, "build", "pulse-streaming-datasource-1.2.2.zip")
		Expect(os.MkdirAll(filepath.Dir(stale), 0o755)).To(Succeed())
		Expect(os.WriteFile(stale, []byte("old"), 0o644)).To(Succeed())
		_, err := runOut("package", "-dist", filepath.Join(root, "dist"), "-out", filepath.Join(root, "build"))
		Expect(err).NotTo(HaveOccurred())
		Expect(stale).NotTo(BeAnExistingFile())
	})

	It("checks a tag against the manifests", func() {
		out, err := runOut("check-tag", "-root", root, "v1.2.3")
		Expect(err).NotTo(HaveOccurred())
		Expect(out).To(ContainSubstring("src/plugin.json: %VERSION% (stamped from package.json by npm run build)"))
		_, err = runOut("check-tag", "-root", root, "v1.3.0")
		Expect(err).To(MatchError(ContainSubstring(`package.json says "1.2.3"`)))
	})

	It("writes the tag's changelog section as release notes", func() {
		notes := filepath.Join(root, "build", "release-notes.md")
		_, err := runOut("notes", "-changelog", filepath.Join(root, "CHANGELOG.md"), "-o", notes, "v1.2.3")
		Expect(err).NotTo(HaveOccurred())
		Expect(os.ReadFile(notes)).To(Equal([]byte("### Added\n- Everything.\n")))
		_, err = runOut("notes", "-changelog", filepath.Join(root, "CHANGELOG.md"), "v9.9.9")
		Expect(err).To(MatchError(ContainSubstring("no section")))
	})
})
