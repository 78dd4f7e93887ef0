package catalog

// Platform is an operating system and architecture a backend binary is built
// for, in Go's names.
type Platform struct {
	// OS is the GOOS value, e.g. "linux".
	OS string
	// Arch is the GOARCH value, e.g. "arm64".
	Arch string
}

// Platforms are the six platforms Pulse builds its backend for, as the
// plugin SDK's BuildAll does.
var Platforms = []Platform{
	{"linux", "amd64"},
	{"linux", "arm64"},
	{"linux", "arm"},
	{"darwin", "amd64"},
	{"darwin", "arm64"},
	{"windows", "amd64"},
}

// String gives the platform as "<os>_<arch>", the suffix of binary and
// archive names.
func (p Platform) String() string {
	return p.OS + "_" + p.Arch
}

// Binary is the name of the platform's backend binary for the plugin.json
// executable name: "<executable>_<os>_<arch>", with ".exe" on Windows.
func (p Platform) Binary(executable string) string {
	name := executable + "_" + p.String()
	if p.OS == "windows" {
		name += ".exe"
	}
	return name
}
