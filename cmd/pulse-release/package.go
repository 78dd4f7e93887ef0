package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/pulse-datasource/pulse/internal/catalog"
)

// runPackage stages every archive from a built dist folder, signs the trees
// when it can, and zips them with their checksums into the output folder,
// replacing archives of earlier runs.
func runPackage(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("package", flag.ContinueOnError)
	dist := fs.String("dist", "dist", "the built plugin: npm run build and go tool mage buildAll")
	out := fs.String("out", "build", "where the zips and their .sha256 files go")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := removeOld(*out); err != nil {
		return err
	}
	staged, err := catalog.Stage(*dist, filepath.Join(*out, "stage"))
	if err != nil {
		return err
	}
	if err := signAll(staged, stdout); err != nil {
		return err
	}
	zips, err := catalog.Pack(staged, *out)
	if err != nil {
		return err
	}
	for _, z := range zips {
		fmt.Fprintln(stdout, "wrote", z, "and", filepath.Base(z)+".sha256")
	}
	return nil
}

// removeOld deletes the zips and checksums an earlier run left in dir, so
// that a check of dir sees this run's archives only.
func removeOld(dir string) error {
	for _, pattern := range []string{"*.zip", "*.zip.sha256"} {
		old, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			return err
		}
		for _, f := range old {
			if err := os.Remove(f); err != nil {
				return err
			}
		}
	}
	return nil
}
