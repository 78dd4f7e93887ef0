// Package release holds what a tagged release checks and says before it
// publishes: that the tag names the version both manifests carry, and the
// version's section of CHANGELOG.md for the release notes.
package release
