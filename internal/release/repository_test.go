package release_test

import (
	"cmp"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
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

	It("runs the end-to-end tests on the oldest minor Grafana plugin.json allows and on docker compose's default", func() {
		ci := readRepo(".github/workflows/ci.yml")
		oldest := regexp.MustCompile(`"grafanaDependency":\s*">=(\d+\.\d+\.\d+)"`).FindStringSubmatch(readRepo("src/plugin.json"))
		Expect(oldest).NotTo(BeNil(), "src/plugin.json's grafanaDependency is not >=X.Y.Z")
		newest := regexp.MustCompile(`GRAFANA_VERSION:-([0-9.]+)\}`).FindStringSubmatch(readRepo("docker-compose.yaml"))
		Expect(newest).NotTo(BeNil(), "docker-compose.yaml has no GRAFANA_VERSION default")
		dockerfile := regexp.MustCompile(`(?m)^ARG GRAFANA_VERSION=(\S+)$`).FindStringSubmatch(readRepo(".config/Dockerfile"))
		Expect(dockerfile).NotTo(BeNil(), ".config/Dockerfile has no ARG GRAFANA_VERSION default")
		Expect(dockerfile[1]).To(Equal(newest[1]), ".config/Dockerfile's GRAFANA_VERSION default differs from docker-compose.yaml's")
		matrix := regexp.MustCompile(`(?m)^\s+grafana:\s*\[([^\]]*)\]`).FindStringSubmatch(ci)
		Expect(matrix).NotTo(BeNil(), "ci.yml has no matrix grafana: [...] list")
		var names []string
		var versions [][3]int
		for _, v := range strings.Split(matrix[1], ",") {
			v = strings.Trim(strings.TrimSpace(v), `"'`)
			parsed, ok := stableVersion(v)
			Expect(ok).To(BeTrue(), "matrix version %q is not a stable X.Y.Z release", v)
			names = append(names, v)
			versions = append(versions, parsed)
		}
		Expect(len(versions)).To(BeNumerically(">=", 3), "want a version in between too")
		Expect(slices.IsSortedFunc(versions, compareVersions)).To(BeTrue(), "the matrix is not in ascending order")

		// The lowest entry is the oldest minor grafanaDependency allows, at a
		// patch it allows (its newest, ideally: the one users run).
		minimum, ok := stableVersion(oldest[1])
		Expect(ok).To(BeTrue())
		first := versions[0]
		Expect(first[:2]).To(Equal(minimum[:2]), "the matrix starts at %s, not in the minor of grafanaDependency >=%s", names[0], oldest[1])
		Expect(compareVersions(first, minimum)).To(BeNumerically(">=", 0), "the matrix starts below grafanaDependency >=%s", oldest[1])

		// The highest entry is what docker compose runs by default.
		latest, ok := stableVersion(newest[1])
		Expect(ok).To(BeTrue(), "docker-compose.yaml's default %q is not a stable X.Y.Z release", newest[1])
		Expect(versions[len(versions)-1]).To(Equal(latest), "the matrix ends at %s, not at docker-compose.yaml's default %s", names[len(names)-1], newest[1])
	})
})

// stableVersion parses a release version X.Y.Z; a pre-release or build
// suffix is not one.
func stableVersion(v string) ([3]int, bool) {
	var out [3]int
	parts := strings.Split(v, ".")
	if len(parts) != 3 {
		return out, false
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || strconv.Itoa(n) != p {
			return out, false
		}
		out[i] = n
	}
	return out, true
}

func compareVersions(a, b [3]int) int {
	for i := range a {
		if c := cmp.Compare(a[i], b[i]); c != 0 {
			return c
		}
	}
	return 0
}
