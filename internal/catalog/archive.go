package catalog

import "strings"

// Archive describes one zip of a release: its file name and the platforms
// whose binaries it holds.
type Archive struct {
	// Name is the zip's file name, e.g. "pulse-streaming-datasource-0.1.0.zip".
	Name string
	// Platforms are the platforms whose binaries go in.
	Platforms []Platform
}

// Archives are the zips of a release of plugin id at version: the one for
// every platform, "<id>-<version>.zip", then one per platform,
// "<id>-<version>.<os>_<arch>.zip".
func Archives(id, version string) []Archive {
	base := id + "-" + version
	archives := []Archive{{Name: base + ".zip", Platforms: Platforms}}
	for _, p := range Platforms {
		archives = append(archives, Archive{Name: base + "." + p.String() + ".zip", Platforms: []Platform{p}})
	}
	return archives
}

// PlatformsOf gives the platforms an archive of that file name should hold:
// the one its "<os>_<arch>.zip" suffix names, or all of [Platforms].
func PlatformsOf(name string) []Platform {
	for _, p := range Platforms {
		if strings.HasSuffix(name, "."+p.String()+".zip") {
			return []Platform{p}
		}
	}
	return Platforms
}
