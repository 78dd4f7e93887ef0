package catalog

import (
	"encoding/json"
	"fmt"
	"os"
)

// Manifest is the part of a plugin.json the packaging and the check read.
type Manifest struct {
	// ID is the plugin id, e.g. "pulse-streaming-datasource".
	ID string `json:"id"`
	// Type is "datasource", "panel" or "app".
	Type string `json:"type"`
	// Backend says whether the plugin has backend binaries.
	Backend bool `json:"backend"`
	// Executable is the binaries' name without the platform suffix.
	Executable string `json:"executable"`
	// Info holds the version and the images.
	Info ManifestInfo `json:"info"`
	// Dependencies holds the Grafana versions the plugin runs on.
	Dependencies ManifestDependencies `json:"dependencies"`
}

// ManifestInfo is plugin.json's "info" object.
type ManifestInfo struct {
	// Version is the plugin's version; webpack stamps it from package.json.
	Version string `json:"version"`
	// Logos are the paths of the small and the large logo.
	Logos Logos `json:"logos"`
	// Screenshots are the images the catalog page shows.
	Screenshots []Screenshot `json:"screenshots"`
}

// Logos are paths, relative to the plugin folder, of the plugin's logos.
type Logos struct {
	// Small is the logo of lists and pickers.
	Small string `json:"small"`
	// Large is the logo of the plugin's page.
	Large string `json:"large"`
}

// Screenshot is one entry of info.screenshots.
type Screenshot struct {
	// Name is the caption.
	Name string `json:"name"`
	// Path is the image, relative to the plugin folder.
	Path string `json:"path"`
}

// ManifestDependencies is plugin.json's "dependencies" object.
type ManifestDependencies struct {
	// GrafanaDependency is the semver range of Grafana versions, e.g. ">=11.6.0".
	GrafanaDependency string `json:"grafanaDependency"`
}

// ParseManifest decodes a plugin.json.
func ParseManifest(data []byte) (Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return Manifest{}, fmt.Errorf("plugin.json: %w", err)
	}
	return m, nil
}

// ReadManifest reads and decodes the plugin.json at path.
func ReadManifest(path string) (Manifest, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Manifest{}, err
	}
	m, err := ParseManifest(data)
	if err != nil {
		return Manifest{}, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}
