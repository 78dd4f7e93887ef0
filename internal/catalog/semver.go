package catalog

import "regexp"

// semverPattern is a Semantic Versioning 2.0.0 version without a leading "v":
// MAJOR.MINOR.PATCH, numbers without leading zeros, optional pre-release and
// build parts.
var semverPattern = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)` +
	`(-(0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(\.(0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*)?` +
	`(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$`)

// IsSemver reports whether v is a semantic version such as "1.2.3" or
// "1.2.3-rc.1", without a leading "v".
func IsSemver(v string) bool {
	return semverPattern.MatchString(v)
}
