package catalog

import (
	"os"
	"path/filepath"
)

// Pack zips every staged tree into dir under its archive's name and writes
// a .sha256 beside each zip. It returns the zips' paths in the order of
// staged.
func Pack(staged []Staged, dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var zips []string
	for _, s := range staged {
		path := filepath.Join(dir, s.Archive.Name)
		if err := Zip(s.Root, path, s.Executables); err != nil {
			return nil, err
		}
		if _, err := WriteChecksum(path); err != nil {
			return nil, err
		}
		zips = append(zips, path)
	}
	return zips, nil
}
