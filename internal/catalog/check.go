package catalog

import "archive/zip"

// CheckOptions say what an archive must agree with.
type CheckOptions struct {
	// Version is package.json's version, which plugin.json's must equal.
	// Empty skips that comparison, not the semantic version check.
	Version string
	// Platforms are the platforms whose binaries the archive must hold, and
	// no others; nil means all of [Platforms].
	Platforms []Platform
}

// Check applies every rule of [Rules] to the zip at path. It returns nil
// for a good archive and a *[Failure] naming each broken rule for any other:
// a file that cannot be opened as a zip breaks the rule "zip", a file in it
// that cannot be read the rule that reads it.
func Check(path string, opts CheckOptions) error {
	r, err := zip.OpenReader(path)
	if err != nil {
		return &Failure{Archive: path, Findings: []Finding{{Rule: ruleZip, Message: err.Error()}}}
	}
	defer r.Close()
	return checkReader(path, &r.Reader, opts)
}

// checkReader is [Check] for an open zip; name is what the failure calls it.
func checkReader(name string, r *zip.Reader, opts CheckOptions) error {
	if opts.Platforms == nil {
		opts.Platforms = Platforms
	}
	c := readContents(r)
	var findings []Finding
	for _, rule := range Rules {
		for _, msg := range rule.check(c, opts) {
			findings = append(findings, Finding{Rule: rule.Name, Message: msg})
		}
	}
	if len(findings) == 0 {
		return nil
	}
	return &Failure{Archive: name, Findings: findings}
}
