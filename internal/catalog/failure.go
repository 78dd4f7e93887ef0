package catalog

import (
	"fmt"
	"strings"
)

// Finding is one way an archive breaks a rule.
type Finding struct {
	// Rule is the [Rule] name, e.g. "no-source-maps".
	Rule string
	// Message says what is wrong, naming the file where there is one.
	Message string
}

// Error gives the finding as "rule <name>: <message>".
func (f Finding) Error() string {
	return "rule " + f.Rule + ": " + f.Message
}

// Failure is the error [Check] returns for an archive that breaks rules.
type Failure struct {
	// Archive is the zip's path.
	Archive string
	// Findings are the broken rules, in the order of [Rules].
	Findings []Finding
}

// Error lists every finding on its own line under the archive's name.
func (f *Failure) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s fails the catalog check (%s):", f.Archive, strings.Join(f.Rules(), ", "))
	for _, finding := range f.Findings {
		b.WriteString("\n  " + finding.Error())
	}
	return b.String()
}

// Rules gives the names of the broken rules, each once, in order.
func (f *Failure) Rules() []string {
	var names []string
	seen := map[string]bool{}
	for _, finding := range f.Findings {
		if !seen[finding.Rule] {
			seen[finding.Rule] = true
			names = append(names, finding.Rule)
		}
	}
	return names
}
