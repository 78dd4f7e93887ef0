package release

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pulse-datasource/pulse/internal/catalog"
)

// CheckTag fails unless tag is "v" followed by a semantic version that every
// one of versions states. A [Placeholder] is accepted as it is stamped from
// package.json at build time, but at least one version must be concrete.
func CheckTag(tag string, versions []Version) error {
	want, ok := strings.CutPrefix(tag, "v")
	if !ok || !catalog.IsSemver(want) {
		return fmt.Errorf("tag %q is not v followed by a semantic version, e.g. v1.2.3", tag)
	}
	var problems []string
	concrete := 0
	for _, v := range versions {
		switch v.Value {
		case Placeholder:
			continue
		case want:
			concrete++
		default:
			concrete++
			problems = append(problems, fmt.Sprintf("%s says %q", v.Source, v.Value))
		}
	}
	if concrete == 0 {
		return errors.New("no manifest states a version to compare the tag with")
	}
	if len(problems) > 0 {
		return fmt.Errorf("tag %s does not match: %s (want %q everywhere)", tag, strings.Join(problems, ", "), want)
	}
	return nil
}
