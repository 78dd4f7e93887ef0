package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/pulse-datasource/pulse/internal/release"
)

// runCheckTag fails unless the tag is v + the version of package.json,
// src/plugin.json and, once built, dist/plugin.json.
func runCheckTag(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("check-tag", flag.ContinueOnError)
	root := fs.String("root", ".", "the repository")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: pulse-release check-tag [-root DIR] TAG")
	}
	tag := fs.Arg(0)
	versions, err := release.ReadVersions(*root)
	if err != nil {
		return err
	}
	if err := release.CheckTag(tag, versions); err != nil {
		return err
	}
	for _, v := range versions {
		note := ""
		if v.Value == release.Placeholder {
			note = " (stamped from package.json by npm run build)"
		}
		fmt.Fprintf(stdout, "%s: %s%s\n", v.Source, v.Value, note)
	}
	fmt.Fprintf(stdout, "tag %s matches\n", tag)
	return nil
}
