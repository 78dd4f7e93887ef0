package release_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/internal/release"
)

const changelog = `# Changelog

Notes on the format.

## [Unreleased]

### Added
- Something new.

## [0.2.0] - 2026-12-01

### Fixed
- A bug.

### Added
- A feature.

## 0.1.0

### Added
- The start.

[0.2.0]: https://example.com/compare/v0.1.0...v0.2.0
[0.1.0]: https://example.com/releases/v0.1.0
`

var _ = Describe("Release notes from the changelog", func() {
	It("gives the version's section without its heading", func() {
		Expect(release.ChangelogSection(changelog, "0.2.0")).To(Equal("### Fixed\n- A bug.\n\n### Added\n- A feature.\n"))
	})

	It("takes the tag as well as the version", func() {
		Expect(release.ChangelogSection(changelog, "v0.2.0")).To(HavePrefix("### Fixed"))
	})

	It("reads a heading without brackets and drops the link definitions after the last section", func() {
		Expect(release.ChangelogSection(changelog, "0.1.0")).To(Equal("### Added\n- The start.\n"))
	})

	It("fails for a version without a section", func() {
		_, err := release.ChangelogSection(changelog, "0.3.0")
		Expect(err).To(MatchError(`CHANGELOG.md has no section "## [0.3.0]"`))
	})

	It("fails for an empty section", func() {
		_, err := release.ChangelogSection("## [1.0.0]\n\n## [0.9.0]\n- x\n", "1.0.0")
		Expect(err).To(MatchError(ContainSubstring("empty")))
	})

	It("does not take 0.1.0 for 0.1.0-rc.1 or 10.1.0", func() {
		text := "## [0.1.0-rc.1]\n- rc\n\n## [10.1.0]\n- ten\n"
		_, err := release.ChangelogSection(text, "0.1.0")
		Expect(err).To(HaveOccurred())
	})
})
