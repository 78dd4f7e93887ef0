package main

import (
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"

	"github.com/pulse-datasource/pulse/internal/release"
)

// runNotes writes the tag's CHANGELOG.md section, the release notes, to a
// file or to stdout.
func runNotes(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("notes", flag.ContinueOnError)
	changelog := fs.String("changelog", "CHANGELOG.md", "the keep-a-changelog file")
	out := fs.String("o", "", "write the notes here instead of to stdout")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: pulse-release notes [-changelog FILE] [-o FILE] TAG")
	}
	text, err := os.ReadFile(*changelog)
	if err != nil {
		return err
	}
	notes, err := release.ChangelogSection(string(text), fs.Arg(0))
	if err != nil {
		return err
	}
	if *out == "" {
		_, err = io.WriteString(stdout, notes)
		return err
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		return err
	}
	return os.WriteFile(*out, []byte(notes), 0o644)
}
