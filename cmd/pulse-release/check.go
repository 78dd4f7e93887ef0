package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/pulse-datasource/pulse/internal/catalog"
	"github.com/pulse-datasource/pulse/internal/release"
)

// runCheck applies the catalog rules to the zips named, or to every zip in
// build/, against the version in package.json. Each zip named after a
// platform must hold that platform's binary only.
func runCheck(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	root := fs.String("root", ".", "the repository, for package.json")
	if err := fs.Parse(args); err != nil {
		return err
	}
	version, err := release.PackageVersion(*root)
	if err != nil {
		return err
	}
	zips := fs.Args()
	if len(zips) == 0 {
		if zips, err = filepath.Glob(filepath.Join(*root, "build", "*.zip")); err != nil {
			return err
		}
		if len(zips) == 0 {
			return errors.New("no build/*.zip to check: go tool mage package first")
		}
	}
	var failed []error
	for _, z := range zips {
		opts := catalog.CheckOptions{Version: version, Platforms: catalog.PlatformsOf(filepath.Base(z))}
		if err := catalog.Check(z, opts); err != nil {
			failed = append(failed, err)
			continue
		}
		fmt.Fprintf(stdout, "ok  %s (%d rules)\n", z, len(catalog.Rules))
	}
	return errors.Join(failed...)
}
