package release_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/internal/release"
)

// repoRoot is the repository this package sits in.
const repoRoot = "../.."

func readRepo(name string) string {
	data, err := os.ReadFile(filepath.Join(repoRoot, name))
	Expect(err).NotTo(HaveOccurred())
	return string(data)
}

// The release workflow runs these checks on a tag; here they run on every
// change, so that a version bump without its changelog section or a stale
// end-to-end matrix shows before a release does.
var _ = Describe("This repository", func() {
	It("is ready to tag v + package.json's version", func() {
		version, err := release.PackageVersion(repoRoot)
		Expect(err).NotTo(HaveOccurred())
		versions, err := release.ReadVersions(repoRoot)
		Expect(err).NotTo(HaveOccurred())
		Expect(release.CheckTag("v"+version, versions)).To(Succeed())
		notes, err := release.ChangelogSection(readRepo("CHANGELOG.md"), version)
		Expect(err).NotTo(HaveOccurred())
		Expect(notes).NotTo(BeEmpty())
	})

	It("runs the end-to-end tests on the oldest Grafana plugin.json allows and on docker compose's default", func() {
		ci := readRepo(".github/workflows/ci.yml")
		oldest := regexp.MustCompile(`"grafanaDependency":\s*">=(\d+\.\d+\.\d+)"`).FindStringSubmatch(readRepo("src/plugin.json"))
		Expect(oldest).NotTo(BeNil(), "src/plugin.json's grafanaDependency is not >=X.Y.Z")
		newest := regexp.MustCompile(`GRAFANA_VERSION:-([0-9.]+)\}`).FindStringSubmatch(readRepo("docker-compose.yaml"))
		Expect(newest).NotTo(BeNil(), "docker-compose.yaml has no GRAFANA_VERSION default")
		matrix := regexp.MustCompile(`(?m)^\s+grafana:\s*\[([^\]]*)\]`).FindStringSubmatch(ci)
		Expect(matrix).NotTo(BeNil(), "ci.yml has no matrix grafana: [...] list")
		var versions []string
		for _, v := range strings.Split(matrix[1], ",") {
			versions = append(versions, strings.Trim(strings.TrimSpace(v), `"'`))
		}
		Expect(versions).To(ContainElements(oldest[1], newest[1]))
		Expect(len(versions)).To(BeNumerically(">=", 3), "want a version in between too")
	})
})
