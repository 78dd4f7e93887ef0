package catalog_test

import (
	"archive/zip"
	"encoding/json"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"

	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/internal/catalog"
)

const (
	pluginID   = "pulse-streaming-datasource"
	executable = "gpx_pulse_streaming"
	version    = "0.1.0"
)

// file is one file of a synthetic plugin folder.
type file struct {
	data string
	mode fs.FileMode
}

// tree is a plugin folder by path relative to it.
type tree map[string]file

// manifest is a plugin.json like Pulse's, as webpack stamps it.
func manifest() map[string]any {
	return map[string]any{
		"type":       "datasource",
		"id":         pluginID,
		"name":       "Pulse",
		"backend":    true,
		"executable": executable,
		"streaming":  true,
		"info": map[string]any{
			"version": version,
			"logos":   map[string]any{"small": "img/logo.svg", "large": "img/logo.svg"},
			"screenshots": []any{
				map[string]any{"name": "Live", "path": "img/live.png"},
			},
		},
		"dependencies": map[string]any{"grafanaDependency": ">=11.6.0", "plugins": []any{}},
	}
}

// goodTree is a plugin folder that passes every rule: tiny fake binaries
// (a NUL byte makes them binary) for all six platforms.
func goodTree() tree {
	t := tree{
		"module.js":    {"define([],function(){return{}});\n//# sourceMappingURL=module.js.map\n", 0o644},
		"img/logo.svg": {`<svg xmlns="http://www.w3.org/2000/svg"/>`, 0o644},
		"img/live.png": {"\x89PNG\r\n\x1a\n\x00", 0o644},
		"README.md":    {"# Pulse\n\n![The logo](img/logo.svg)\n\nSee [the logo](./img/logo.svg#top), [the docs](https://example.org/docs) and [Setup](#setup).\n", 0o644},
		"CHANGELOG.md": {"# Changelog\n\n## [0.1.0]\n- First.\n", 0o644},
		"LICENSE":      {"Apache License 2.0\n", 0o644},
	}
	t.setManifest(manifest())
	for _, p := range catalog.Platforms {
		t[p.Binary(executable)] = file{"\x7fELF\x00fake " + p.String(), 0o755}
	}
	return t
}

// setManifest replaces plugin.json.
func (t tree) setManifest(m map[string]any) {
	data, err := json.MarshalIndent(m, "", "  ")
	Expect(err).NotTo(HaveOccurred())
	t["plugin.json"] = file{string(data), 0o644}
}

// writeDir lays the tree out under dir, as a built dist/ would be.
func (t tree) writeDir(dir string) {
	for name, f := range t {
		p := filepath.Join(dir, filepath.FromSlash(name))
		Expect(os.MkdirAll(filepath.Dir(p), 0o755)).To(Succeed())
		Expect(os.WriteFile(p, []byte(f.data), f.mode)).To(Succeed())
		Expect(os.Chmod(p, f.mode)).To(Succeed())
	}
}

// writeZip writes the tree as a zip whose entries are folder/<path>, in
// order, with the files' modes in the headers, then the entries of beside
// under their own names.
func (t tree) writeZip(path, folder string, beside ...tree) {
	out, err := os.Create(path)
	Expect(err).NotTo(HaveOccurred())
	w := zip.NewWriter(out)
	add := func(name string, f file) {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate}
		h.SetMode(f.mode)
		fw, err := w.CreateHeader(h)
		Expect(err).NotTo(HaveOccurred())
		_, err = fw.Write([]byte(f.data))
		Expect(err).NotTo(HaveOccurred())
	}
	for _, name := range slices.Sorted(maps.Keys(t)) {
		add(folder+"/"+name, t[name])
	}
	for _, b := range beside {
		for _, name := range slices.Sorted(maps.Keys(b)) {
			add(name, b[name])
		}
	}
	Expect(w.Close()).To(Succeed())
	Expect(out.Close()).To(Succeed())
}

// zipModes reads a zip's entries: name to mode.
func zipModes(path string) map[string]fs.FileMode {
	r, err := zip.OpenReader(path)
	Expect(err).NotTo(HaveOccurred())
	defer r.Close()
	modes := map[string]fs.FileMode{}
	for _, f := range r.File {
		modes[f.Name] = f.Mode()
	}
	return modes
}
