package catalog

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
)

// maxTextSize bounds how much of one text file the check reads.
const maxTextSize = 64 << 20

// contents is a zip as the rules see it: the plugin folder's files by path
// relative to that folder, what is wrong with the layout, and plugin.json.
type contents struct {
	// root is the top-level folder holding plugin.json.
	root string
	// files are the regular files under root, by slash-separated relative path.
	files map[string]*zip.File
	// layout lists entries outside root or with unsafe names.
	layout []string
	// manifest is root/plugin.json, decoded; nil when missing or broken.
	manifest *Manifest
	// manifestProblem says why manifest is nil.
	manifestProblem string
}

// readContents sorts a zip's entries into contents.
func readContents(r *zip.Reader) *contents {
	c := &contents{files: map[string]*zip.File{}}
	c.root = pluginFolder(r)
	if len(r.File) == 0 {
		c.layout = append(c.layout, "the archive is empty")
	}
	for _, f := range r.File {
		name := f.Name
		if problem := unsafeName(name); problem != "" {
			c.layout = append(c.layout, fmt.Sprintf("%q %s", name, problem))
			continue
		}
		top, rel, _ := strings.Cut(strings.TrimSuffix(name, "/"), "/")
		if top != c.root || c.root == "" {
			c.layout = append(c.layout, fmt.Sprintf("%s is outside the plugin folder %q: the archive must hold one folder only", name, c.root))
			continue
		}
		if rel != "" && !strings.HasSuffix(name, "/") && !f.Mode().IsDir() {
			c.files[rel] = f
		}
	}
	c.readManifest()
	return c
}

// pluginFolder is the top-level folder holding plugin.json, or else the
// first entry's top-level folder.
func pluginFolder(r *zip.Reader) string {
	for _, f := range r.File {
		if top, rest, ok := strings.Cut(f.Name, "/"); ok && rest == "plugin.json" {
			return top
		}
	}
	if len(r.File) > 0 {
		if top, _, ok := strings.Cut(r.File[0].Name, "/"); ok {
			return top
		}
	}
	return ""
}

// unsafeName says what is wrong with an entry name that could escape the
// folder it is unzipped into, or "" for a fine one.
func unsafeName(name string) string {
	switch {
	case strings.HasPrefix(name, "/"):
		return "is an absolute path"
	case strings.Contains(name, `\`):
		return "has a backslash"
	case path.Clean(name) != strings.TrimSuffix(name, "/") || strings.HasPrefix(name, "../") || name == "..":
		return "is not a clean relative path"
	}
	return ""
}

// readManifest decodes root/plugin.json.
func (c *contents) readManifest() {
	if _, ok := c.files["plugin.json"]; !ok {
		c.manifestProblem = "no plugin.json in the plugin folder"
		return
	}
	data, _, err := c.read("plugin.json")
	if err != nil {
		c.manifestProblem = err.Error()
		return
	}
	m, err := ParseManifest(data)
	if err != nil {
		c.manifestProblem = err.Error()
		return
	}
	c.manifest = &m
}

// names lists the files' relative paths in order.
func (c *contents) names() []string {
	names := make([]string, 0, len(c.files))
	for name := range c.files {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// read gives a file's content and whether it is text (no NUL byte in its
// first 8 KiB). Binaries are not read past that.
func (c *contents) read(name string) ([]byte, bool, error) {
	f, ok := c.files[name]
	if !ok {
		return nil, false, fmt.Errorf("%s: not in the archive", name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", name, err)
	}
	defer rc.Close()
	head := make([]byte, 8<<10)
	n, err := io.ReadFull(rc, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, false, fmt.Errorf("%s: %w", name, err)
	}
	head = head[:n]
	if bytes.IndexByte(head, 0) >= 0 {
		return head, false, nil
	}
	rest, err := io.ReadAll(io.LimitReader(rc, maxTextSize))
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", name, err)
	}
	return append(head, rest...), true, nil
}
