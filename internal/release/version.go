package release

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Placeholder is what src/plugin.json holds as its version: webpack replaces
// it with package.json's version when it copies plugin.json into dist/.
const Placeholder = "%VERSION%"

// Version is the version one manifest states.
type Version struct {
	// Source names the manifest, e.g. "package.json".
	Source string
	// Value is the version as written there.
	Value string
}

// ReadVersions reads the versions of the project at root: package.json's
// "version", src/plugin.json's info.version and, once the frontend is built,
// dist/plugin.json's.
func ReadVersions(root string) ([]Version, error) {
	var versions []Version
	pkg, err := readString(filepath.Join(root, "package.json"), "version")
	if err != nil {
		return nil, err
	}
	versions = append(versions, Version{"package.json", pkg})
	src, err := readString(filepath.Join(root, "src", "plugin.json"), "info", "version")
	if err != nil {
		return nil, err
	}
	versions = append(versions, Version{"src/plugin.json", src})
	built, err := readString(filepath.Join(root, "dist", "plugin.json"), "info", "version")
	switch {
	case err == nil:
		versions = append(versions, Version{"dist/plugin.json", built})
	case !errors.Is(err, os.ErrNotExist):
		return nil, err
	}
	return versions, nil
}

// PackageVersion reads package.json's "version" in root.
func PackageVersion(root string) (string, error) {
	return readString(filepath.Join(root, "package.json"), "version")
}

// readString reads the string at keys in a JSON file.
func readString(file string, keys ...string) (string, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return "", fmt.Errorf("%s: %w", file, err)
	}
	for _, k := range keys {
		obj, ok := v.(map[string]any)
		if !ok {
			return "", fmt.Errorf("%s: no %s", file, strings.Join(keys, "."))
		}
		v = obj[k]
	}
	s, ok := v.(string)
	if !ok || s == "" {
		return "", fmt.Errorf("%s: no %s", file, strings.Join(keys, "."))
	}
	return s, nil
}
