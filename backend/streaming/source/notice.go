package source

import (
	"fmt"
	"strings"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// maxNamedUnknown is how many unknown fields a notice names.
const maxNamedUnknown = 5

// UnknownFieldsNotice is the text of the warning a panel shows when its
// query has fields the source ignored: most likely misspellings.
func UnknownFieldsNotice(unknown []string) string {
	names := make([]string, 0, min(len(unknown), maxNamedUnknown))
	for _, name := range unknown[:min(len(unknown), maxNamedUnknown)] {
		names = append(names, streaming.Excerpt(name))
	}
	text := strings.Join(names, ", ")
	if more := len(unknown) - len(names); more > 0 {
		text += fmt.Sprintf(" and %d more", more)
	}
	if len(unknown) == 1 {
		return "unknown query field " + text + " is ignored; check its spelling"
	}
	return "unknown query fields " + text + " are ignored; check their spelling"
}
