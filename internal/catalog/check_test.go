package catalog_test

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/internal/catalog"
)

// broken is a package that breaks one rule.
type broken struct {
	// rule is the one rule the check must name, and the only one.
	rule string
	// says is a part of the failure message.
	says string
	// breaks turns the good tree into the broken one.
	breaks func(t tree)
	// folder is the top-level folder; empty means the plugin id.
	folder string
	// platforms are the archive's; nil means all.
	platforms []catalog.Platform
	// beside are entries at the top level, beside the folder.
	beside tree
	// raw, when set, is written instead of a zip.
	raw string
}

// Secrets are assembled at run time so that this file holds none.
var (
	privateKey   = "-----BEGIN " + "RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n"
	cloudToken   = "gl" + "c_" + strings.Repeat("eyJvIjoiMTIzIn0", 3)
	serviceToken = "gl" + "sa_" + strings.Repeat("A1b2", 8) + "_0123abcd"
)

func editManifest(edit func(m map[string]any)) func(t tree) {
	return func(t tree) {
		m := manifest()
		edit(m)
		t.setManifest(m)
	}
}

func info(m map[string]any) map[string]any {
	return m["info"].(map[string]any)
}

var brokenPackages = map[string]broken{
	"not a zip":                           {rule: "zip", says: "not a valid zip", raw: "just text"},
	"a file beside the folder":            {rule: "layout", says: "notes.txt is outside the plugin folder", beside: tree{"notes.txt": {"x", 0o644}}, breaks: func(tree) {}},
	"an entry that climbs out":            {rule: "layout", says: "not a clean relative path", breaks: func(t tree) { t["../../notes.txt"] = file{"x", 0o644} }},
	"plugin.json not JSON":                {rule: "plugin-json", says: "plugin.json", breaks: func(t tree) { t["plugin.json"] = file{"{", 0o644} }},
	"no plugin.json":                      {rule: "plugin-json", says: "no plugin.json", breaks: func(t tree) { delete(t, "plugin.json") }},
	"a type the id does not end in":       {rule: "id-type", says: `does not end in -panel`, breaks: editManifest(func(m map[string]any) { m["type"] = "panel" })},
	"an unknown type":                     {rule: "id-type", says: `type "widget"`, breaks: editManifest(func(m map[string]any) { m["type"] = "widget" })},
	"an id in capitals":                   {rule: "id-type", says: "lower-case", breaks: editManifest(func(m map[string]any) { m["id"] = "Pulse-datasource" }), folder: "Pulse-datasource"},
	"a folder not named after the id":     {rule: "id-type", says: `folder is "pulse"`, folder: "pulse", breaks: func(tree) {}},
	"a version other than package.json's": {rule: "version", says: `"0.2.0" differs from package.json's "0.1.0"`, breaks: editManifest(func(m map[string]any) { info(m)["version"] = "0.2.0" })},
	"an unstamped version":                {rule: "version", says: "not a semantic version", breaks: editManifest(func(m map[string]any) { info(m)["version"] = "%VERSION%" })},
	"no grafanaDependency":                {rule: "grafana-dependency", says: "no dependencies.grafanaDependency", breaks: editManifest(func(m map[string]any) { delete(m, "dependencies") })},
	"a grafanaDependency that is no range": {rule: "grafana-dependency", says: "not a version range", breaks: editManifest(func(m map[string]any) {
		m["dependencies"] = map[string]any{"grafanaDependency": "latest"}
	})},
	"a missing platform": {rule: "executables", says: "no gpx_pulse_streaming_darwin_arm64 for darwin/arm64", breaks: func(t tree) { delete(t, "gpx_pulse_streaming_darwin_arm64") }},
	"a binary without execute bits": {rule: "executables", says: "gpx_pulse_streaming_linux_arm has mode 0644", breaks: func(t tree) {
		t["gpx_pulse_streaming_linux_arm"] = file{t["gpx_pulse_streaming_linux_arm"].data, 0o644}
	}},
	"an empty binary": {rule: "executables", says: "gpx_pulse_streaming_linux_amd64 is empty", breaks: func(t tree) { t["gpx_pulse_streaming_linux_amd64"] = file{"", 0o755} }},
	"a binary named after another executable": {rule: "executables", says: "gpx_pulse_linux_amd64 is not the binary of a platform", breaks: func(t tree) {
		t["gpx_pulse_linux_amd64"] = t["gpx_pulse_streaming_linux_amd64"]
	}},
	"backend without an executable": {rule: "executables", says: "names no executable", breaks: editManifest(func(m map[string]any) { delete(m, "executable") })},
	"another platform's binary in a platform's archive": {rule: "executables", says: "gpx_pulse_streaming_linux_arm64 is not the binary of a platform of this archive",
		platforms: []catalog.Platform{{OS: "linux", Arch: "amd64"}},
		breaks: func(t tree) {
			for _, p := range catalog.Platforms[2:] {
				delete(t, p.Binary(executable))
			}
		}},
	"no module.js": {rule: "module-js", says: "no module.js", breaks: func(t tree) { delete(t, "module.js") }},
	"a missing logo": {rule: "images", says: `info.logos.small "img/small.svg" is not in the archive`, breaks: editManifest(func(m map[string]any) {
		info(m)["logos"] = map[string]any{"small": "img/small.svg", "large": "img/logo.svg"}
	})},
	"no large logo":        {rule: "images", says: "info.logos.large is empty", breaks: editManifest(func(m map[string]any) { info(m)["logos"] = map[string]any{"small": "img/logo.svg"} })},
	"a missing screenshot": {rule: "images", says: `info.screenshots[0].path "img/live.png" is not in the archive`, breaks: func(t tree) { delete(t, "img/live.png") }},
	"a screenshot outside the folder": {rule: "images", says: "points outside the plugin folder", breaks: editManifest(func(m map[string]any) {
		info(m)["screenshots"] = []any{map[string]any{"name": "x", "path": "../x.png"}}
	})},
	"a source map":          {rule: "no-source-maps", says: "module.js.map is a source map", breaks: func(t tree) { t["module.js.map"] = file{"{}", 0o644} }},
	"an .env file":          {rule: "no-secrets", says: ".env looks like a key or credentials file", breaks: func(t tree) { t[".env"] = file{"A=1", 0o644} }},
	"a key file":            {rule: "no-secrets", says: "img/server.pem looks like a key", breaks: func(t tree) { t["img/server.pem"] = file{"x", 0o644} }},
	"a private key in text": {rule: "no-secrets", says: "README.md line 3 holds what looks like a private key", breaks: func(t tree) { t["README.md"] = file{"# Pulse\n\n" + privateKey, 0o644} }},
	"a Grafana Cloud token": {rule: "no-secrets", says: "module.js line 1 holds what looks like a Grafana Cloud access policy token", breaks: func(t tree) {
		t["module.js"] = file{`define([],function(){var t="` + cloudToken + `"});`, 0o644}
	}},
	"a service account token": {rule: "no-secrets", says: "a Grafana service account token", breaks: func(t tree) {
		t["CHANGELOG.md"] = file{"# Changelog\n\ntoken " + serviceToken + "\n", 0o644}
	}},
	"a README image not in the archive": {rule: "readme-links", says: `"img/missing.png", which is not in the archive`, breaks: func(t tree) {
		t["README.md"] = file{"# Pulse\n\n![x](img/missing.png)\n", 0o644}
	}},
	"a README link to a repository file": {rule: "readme-links", says: `"../docs/mqtt.md", outside the plugin folder`, breaks: func(t tree) {
		t["README.md"] = file{"# Pulse\n\n[MQTT](../docs/mqtt.md)\n", 0o644}
	}},
	"a README link over http": {rule: "readme-links", says: "not https", breaks: func(t tree) {
		t["README.md"] = file{"# Pulse\n\n[site](http://example.org)\n", 0o644}
	}},
	"an empty README":    {rule: "readme", says: "README.md is empty", breaks: func(t tree) { t["README.md"] = file{" \n\n", 0o644} }},
	"no CHANGELOG":       {rule: "changelog", says: "no CHANGELOG.md", breaks: func(t tree) { delete(t, "CHANGELOG.md") }},
	"an empty CHANGELOG": {rule: "changelog", says: "CHANGELOG.md is empty", breaks: func(t tree) { t["CHANGELOG.md"] = file{"", 0o644} }},
	"no LICENSE":         {rule: "license", says: "no LICENSE", breaks: func(t tree) { delete(t, "LICENSE") }},
}

// writeBroken writes the broken package into dir and returns its path.
func writeBroken(dir string, b broken) string {
	path := filepath.Join(dir, "broken.zip")
	if b.raw != "" {
		Expect(os.WriteFile(path, []byte(b.raw), 0o644)).To(Succeed())
		return path
	}
	t := goodTree()
	b.breaks(t)
	folder := b.folder
	if folder == "" {
		folder = pluginID
	}
	t.writeZip(path, folder, b.beside)
	return path
}

var _ = Describe("The offline catalog check", func() {
	It("passes a good package", func() {
		path := filepath.Join(GinkgoT().TempDir(), "good.zip")
		goodTree().writeZip(path, pluginID)
		Expect(catalog.Check(path, catalog.CheckOptions{Version: version})).To(Succeed())
	})

	It("passes a good package of one platform", func() {
		t := goodTree()
		for _, p := range catalog.Platforms[1:] {
			delete(t, p.Binary(executable))
		}
		path := filepath.Join(GinkgoT().TempDir(), "good.linux_amd64.zip")
		t.writeZip(path, pluginID)
		Expect(catalog.Check(path, catalog.CheckOptions{Version: version, Platforms: catalog.PlatformsOf(path)})).To(Succeed())
	})

	It("names each rule it applies once", func() {
		seen := map[string]bool{}
		for _, r := range catalog.Rules {
			Expect(seen).NotTo(HaveKey(r.Name))
			Expect(r.Description).NotTo(BeEmpty())
			seen[r.Name] = true
		}
	})

	It("has a broken package below for every rule", func() {
		covered := map[string]bool{}
		for _, b := range brokenPackages {
			covered[b.rule] = true
		}
		for _, r := range catalog.Rules {
			Expect(covered).To(HaveKey(r.Name), "no broken package for rule %s", r.Name)
		}
	})

	DescribeTable("fails a broken package, naming the rule it breaks and no other",
		func(name string) {
			b := brokenPackages[name]
			path := writeBroken(GinkgoT().TempDir(), b)
			err := catalog.Check(path, catalog.CheckOptions{Version: version, Platforms: b.platforms})
			Expect(err).To(HaveOccurred())
			var failure *catalog.Failure
			Expect(errors.As(err, &failure)).To(BeTrue(), "want a *catalog.Failure, got %v", err)
			Expect(failure.Rules()).To(Equal([]string{b.rule}), err.Error())
			Expect(err.Error()).To(ContainSubstring("rule " + b.rule + ": "))
			Expect(err.Error()).To(ContainSubstring(b.says))
			GinkgoWriter.Println(err)
		},
		brokenEntries(),
	)

	It("never repeats a secret in its message", func() {
		b := brokenPackages["a Grafana Cloud token"]
		err := catalog.Check(writeBroken(GinkgoT().TempDir(), b), catalog.CheckOptions{Version: version})
		Expect(err).To(HaveOccurred())
		Expect(err.Error()).NotTo(ContainSubstring(cloudToken[:10]))
	})

	It("lists every broken rule of a package that breaks several", func() {
		t := goodTree()
		delete(t, "LICENSE")
		t["module.js.map"] = file{"{}", 0o644}
		path := filepath.Join(GinkgoT().TempDir(), "two.zip")
		t.writeZip(path, pluginID)
		var failure *catalog.Failure
		Expect(errors.As(catalog.Check(path, catalog.CheckOptions{Version: version}), &failure)).To(BeTrue())
		Expect(failure.Rules()).To(Equal([]string{"no-source-maps", "license"}))
		Expect(failure.Error()).To(HavePrefix(path + " fails the catalog check (no-source-maps, license):\n  rule no-source-maps: "))
	})
})

// brokenEntries makes a table entry of every broken package.
func brokenEntries() []TableEntry {
	var entries []TableEntry
	for _, name := range slices.Sorted(maps.Keys(brokenPackages)) {
		entries = append(entries, Entry(name, name))
	}
	return entries
}
