package catalog

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// WriteChecksum writes path + ".sha256" in the format of sha256sum, so that
// `sha256sum -c` checks it beside the file: the hex SHA-256 of the file, two
// spaces, its base name. It returns the hex digest.
func WriteChecksum(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	line := fmt.Sprintf("%s  %s\n", sum, filepath.Base(path))
	return sum, os.WriteFile(path+".sha256", []byte(line), 0o644)
}
