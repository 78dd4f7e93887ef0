package catalog

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
)

// Rule is one catalog rule the offline check applies.
type Rule struct {
	// Name is what a failure cites, e.g. "no-source-maps".
	Name string
	// Description says what the rule wants.
	Description string
	// check lists what c breaks, one message each; none when it holds.
	check func(c *contents, opts CheckOptions) []string
}

// ruleZip is broken by a file that is not a zip at all.
const ruleZip = "zip"

// Rules are the rules [Check] applies, in order. A file that cannot be
// read as a zip breaks the rule "zip" and no other is applied.
var Rules = []Rule{
	{"layout", "one top-level folder holding plugin.json, and every entry inside it", checkLayout},
	{"plugin-json", "plugin.json is valid JSON", checkPluginJSON},
	{"id-type", "the id ends in -<type>, the type is app, datasource or panel, and the folder is named after the id", checkIDType},
	{"version", "info.version is a semantic version equal to package.json's", checkVersion},
	{"grafana-dependency", "dependencies.grafanaDependency gives the Grafana versions the plugin runs on", checkGrafanaDependency},
	{"executables", "a backend plugin has an executable binary named after plugin.json's executable for each platform, and no other", checkExecutables},
	{"module-js", "module.js, the frontend, is present", checkModuleJS},
	{"images", "the logos and screenshots plugin.json names are in the archive", checkImages},
	{"no-source-maps", "no *.map files", checkNoSourceMaps},
	{"no-secrets", "no key or environment files, private keys or tokens", checkNoSecrets},
	{"readme", "README.md is present and not empty", checkNonEmpty("README.md")},
	{"readme-links", "README.md's images and relative links are in the archive, and its other links are https", checkReadmeLinks},
	{"changelog", "CHANGELOG.md is present and not empty", checkNonEmpty("CHANGELOG.md")},
	{"license", "LICENSE is present and not empty", checkNonEmpty("LICENSE")},
}

func checkLayout(c *contents, _ CheckOptions) []string {
	return c.layout
}

func checkPluginJSON(c *contents, _ CheckOptions) []string {
	if c.manifest == nil {
		return []string{c.manifestProblem}
	}
	return nil
}

// pluginTypes are the plugin types the id's suffix may name.
var pluginTypes = map[string]bool{"app": true, "datasource": true, "panel": true}

// pluginID is Grafana's form of an id: lower-case words joined by dashes,
// an organisation first and the type last.
var pluginID = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)+$`)

func checkIDType(c *contents, _ CheckOptions) []string {
	m := c.manifest
	if m == nil {
		return nil
	}
	var out []string
	switch {
	case !pluginTypes[m.Type]:
		out = append(out, fmt.Sprintf("plugin.json type %q is not app, datasource or panel", m.Type))
	case !pluginID.MatchString(m.ID):
		out = append(out, fmt.Sprintf("plugin.json id %q is not lower-case words joined by dashes", m.ID))
	case !strings.HasSuffix(m.ID, "-"+m.Type):
		out = append(out, fmt.Sprintf("plugin.json id %q does not end in -%s, its type", m.ID, m.Type))
	}
	if c.root != m.ID {
		out = append(out, fmt.Sprintf("the plugin folder is %q, not the id %q", c.root, m.ID))
	}
	return out
}

func checkVersion(c *contents, opts CheckOptions) []string {
	m := c.manifest
	if m == nil {
		return nil
	}
	v := m.Info.Version
	if !IsSemver(v) {
		return []string{fmt.Sprintf("plugin.json info.version %q is not a semantic version (is the frontend built with npm run build?)", v)}
	}
	if opts.Version != "" && v != opts.Version {
		return []string{fmt.Sprintf("plugin.json info.version %q differs from package.json's %q", v, opts.Version)}
	}
	return nil
}

// grafanaRange starts like a semver range of Grafana versions: ">=11.6.0",
// "^12.0.0", "11.6.x" and so on.
var grafanaRange = regexp.MustCompile(`^\s*(>=|<=|>|<|=|~|\^)?\s*v?\d+(\.(\d+|x|\*)){0,2}`)

func checkGrafanaDependency(c *contents, _ CheckOptions) []string {
	m := c.manifest
	if m == nil {
		return nil
	}
	dep := m.Dependencies.GrafanaDependency
	switch {
	case strings.TrimSpace(dep) == "":
		return []string{"plugin.json has no dependencies.grafanaDependency"}
	case !grafanaRange.MatchString(dep):
		return []string{fmt.Sprintf("plugin.json dependencies.grafanaDependency %q is not a version range such as >=11.6.0", dep)}
	}
	return nil
}

func checkExecutables(c *contents, opts CheckOptions) []string {
	m := c.manifest
	if m == nil || !m.Backend {
		return nil
	}
	if m.Executable == "" {
		return []string{"plugin.json says backend: true but names no executable"}
	}
	var out []string
	want := map[string]bool{}
	for _, p := range opts.Platforms {
		name := p.Binary(m.Executable)
		want[name] = true
		f, ok := c.files[name]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("no %s for %s/%s", name, p.OS, p.Arch))
		case f.UncompressedSize64 == 0:
			out = append(out, fmt.Sprintf("%s is empty", name))
		case f.Mode()&0o555 != 0o555:
			out = append(out, fmt.Sprintf("%s has mode %04o in the zip; it must be readable and executable by all (0755)", name, f.Mode().Perm()))
		}
	}
	for _, name := range c.names() {
		if want[name] || strings.Contains(name, "/") {
			continue
		}
		if strings.HasPrefix(name, m.Executable+"_") || strings.HasPrefix(name, "gpx_") {
			out = append(out, fmt.Sprintf("%s is not the binary of a platform of this archive (want %s)", name, strings.Join(sortedKeys(want), ", ")))
		}
	}
	return out
}

func checkModuleJS(c *contents, _ CheckOptions) []string {
	f, ok := c.files["module.js"]
	switch {
	case !ok:
		return []string{"no module.js in the plugin folder"}
	case f.UncompressedSize64 == 0:
		return []string{"module.js is empty"}
	}
	return nil
}

func checkImages(c *contents, _ CheckOptions) []string {
	m := c.manifest
	if m == nil {
		return nil
	}
	var out []string
	check := func(field, p string) {
		clean := path.Clean(strings.TrimPrefix(p, "./"))
		switch {
		case strings.TrimSpace(p) == "":
			out = append(out, fmt.Sprintf("plugin.json %s is empty", field))
		case unsafeName(clean) != "":
			out = append(out, fmt.Sprintf("plugin.json %s %q points outside the plugin folder", field, p))
		case c.files[clean] == nil:
			out = append(out, fmt.Sprintf("plugin.json %s %q is not in the archive", field, p))
		}
	}
	check("info.logos.small", m.Info.Logos.Small)
	check("info.logos.large", m.Info.Logos.Large)
	for i, s := range m.Info.Screenshots {
		check(fmt.Sprintf("info.screenshots[%d].path", i), s.Path)
	}
	return out
}

func checkNoSourceMaps(c *contents, _ CheckOptions) []string {
	var out []string
	for _, name := range c.names() {
		if strings.HasSuffix(name, ".map") {
			out = append(out, fmt.Sprintf("%s is a source map", name))
		}
	}
	return out
}

// checkNonEmpty wants the file name in the plugin folder, with more than
// white space in it.
func checkNonEmpty(name string) func(*contents, CheckOptions) []string {
	return func(c *contents, _ CheckOptions) []string {
		if _, ok := c.files[name]; !ok {
			return []string{fmt.Sprintf("no %s in the plugin folder", name)}
		}
		data, _, err := c.read(name)
		if err != nil {
			return []string{err.Error()}
		}
		if strings.TrimSpace(string(data)) == "" {
			return []string{fmt.Sprintf("%s is empty", name)}
		}
		return nil
	}
}

// sortedKeys gives a set's members in order.
func sortedKeys(set map[string]bool) []string {
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// markdownTarget finds the targets of Markdown links and images,
// [text](target) and ![alt](target), with an optional "title".
var markdownTarget = regexp.MustCompile(`\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)`)

// checkReadmeLinks checks what the plugin page shows: Grafana renders
// README.md from the archive, so an image or a relative link must point at
// a file in it, and anything else must be an https address (or a mailto:).
func checkReadmeLinks(c *contents, _ CheckOptions) []string {
	if c.files["README.md"] == nil {
		return nil // the rule "readme" says so
	}
	data, _, err := c.read("README.md")
	if err != nil {
		return []string{err.Error()}
	}
	var out []string
	for _, m := range markdownTarget.FindAllStringSubmatch(string(data), -1) {
		target := m[1]
		switch {
		case strings.HasPrefix(target, "#"), strings.HasPrefix(target, "mailto:"), strings.HasPrefix(target, "https://"):
		case strings.Contains(target, "://"):
			out = append(out, fmt.Sprintf("README.md links to %q, which is not https", target))
		default:
			file, _, _ := strings.Cut(target, "#")
			clean := path.Clean(strings.TrimPrefix(file, "./"))
			switch {
			case unsafeName(clean) != "":
				out = append(out, fmt.Sprintf("README.md links to %q, outside the plugin folder: link to the repository instead", target))
			case c.files[clean] == nil:
				out = append(out, fmt.Sprintf("README.md links to %q, which is not in the archive: link to the repository instead", target))
			}
		}
	}
	return out
}
