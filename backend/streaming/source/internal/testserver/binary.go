package testserver

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// debianDirs are where Debian installs server programs; /usr/sbin is not
// on every user's PATH.
var debianDirs = []string{"/usr/sbin", "/usr/bin", "/usr/local/sbin"}

// FindBinary finds the program name on PATH or in Debian's places. When it
// is missing, the error says "<name> not found: <installHint>".
func FindBinary(name, installHint string) (string, error) {
	if path, err := exec.LookPath(name); err == nil {
		return path, nil
	}
	for _, dir := range debianDirs {
		path := filepath.Join(dir, name)
		if info, err := os.Stat(path); err == nil && !info.IsDir() {
			return path, nil
		}
	}
	return "", fmt.Errorf("%s not found: %s", name, installHint)
}
