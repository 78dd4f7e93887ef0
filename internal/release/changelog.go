package release

import (
	"fmt"
	"regexp"
	"strings"
)

// linkDefinition is a Markdown link reference definition, "[0.1.0]: URL",
// which keep-a-changelog files list at their end.
var linkDefinition = regexp.MustCompile(`^\[[^\]]+\]:\s*\S+`)

// ChangelogSection gives the body of the "## [<version>]" section of a
// keep-a-changelog file (the heading may also read "## <version>" or carry
// " - <date>"), without the heading and without trailing link definitions.
// It fails when the section is missing or empty.
func ChangelogSection(changelog, version string) (string, error) {
	version = strings.TrimPrefix(version, "v")
	var body []string
	in, found := false, false
	for _, line := range strings.Split(strings.ReplaceAll(changelog, "\r\n", "\n"), "\n") {
		if strings.HasPrefix(line, "## ") {
			if in {
				break
			}
			if headingVersion(line) == version {
				in, found = true, true
			}
			continue
		}
		if in {
			body = append(body, line)
		}
	}
	if !found {
		return "", fmt.Errorf("CHANGELOG.md has no section \"## [%s]\"", version)
	}
	for len(body) > 0 {
		last := strings.TrimSpace(body[len(body)-1])
		if last != "" && !linkDefinition.MatchString(last) {
			break
		}
		body = body[:len(body)-1]
	}
	text := strings.TrimSpace(strings.Join(body, "\n"))
	if text == "" {
		return "", fmt.Errorf("CHANGELOG.md's section for %s is empty", version)
	}
	return text + "\n", nil
}

// headingVersion reads the version of a "## [1.2.3] - 2026-11-24" heading.
func headingVersion(line string) string {
	rest := strings.TrimSpace(strings.TrimPrefix(line, "## "))
	if after, ok := strings.CutPrefix(rest, "["); ok {
		v, _, _ := strings.Cut(after, "]")
		return strings.TrimPrefix(strings.TrimSpace(v), "v")
	}
	v, _, _ := strings.Cut(rest, " ")
	return strings.TrimPrefix(v, "v")
}
