package catalog

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Staged is an archive's tree laid out on disk, ready to be signed and zipped.
type Staged struct {
	// Archive is what the tree becomes.
	Archive Archive
	// Root is the folder named after the plugin id: the archive's only
	// top-level entry. Signing writes its MANIFEST.txt here.
	Root string
	// Executables are the backend binaries in Root, by name: the files the
	// zip marks executable.
	Executables []string
}

// signatureFile is what signing adds to a plugin folder. One left in dist/
// signs every file there, so it is never copied: each staged tree is signed
// on its own.
const signatureFile = "MANIFEST.txt"

// Stage lays out the tree of every archive in [Archives] under dir, from a
// built dist folder: dir/<archive name without .zip>/<plugin id>/. Each tree
// holds everything in dist except source maps, a signature and the binaries
// of other platforms; dist itself is left as it is. dist must have been
// built for release: plugin.json with a semantic version (as webpack stamps
// it) and the binaries of all [Platforms]. Trees left from an earlier run
// are replaced.
func Stage(dist, dir string) ([]Staged, error) {
	m, err := ReadManifest(filepath.Join(dist, "plugin.json"))
	if err != nil {
		return nil, fmt.Errorf("%w (build the frontend first: npm run build)", err)
	}
	if !IsSemver(m.Info.Version) {
		return nil, fmt.Errorf("%s: info.version %q is not a semantic version: build the frontend first (npm run build stamps it from package.json)",
			filepath.Join(dist, "plugin.json"), m.Info.Version)
	}
	if m.Backend {
		if err := requireBinaries(dist, m.Executable); err != nil {
			return nil, err
		}
	}
	var staged []Staged
	for _, a := range Archives(m.ID, m.Info.Version) {
		tree := filepath.Join(dir, strings.TrimSuffix(a.Name, ".zip"))
		if err := os.RemoveAll(tree); err != nil {
			return nil, err
		}
		root := filepath.Join(tree, m.ID)
		if err := stageTree(dist, root, m, a.Platforms); err != nil {
			return nil, fmt.Errorf("staging %s: %w", a.Name, err)
		}
		var executables []string
		if m.Backend {
			for _, p := range a.Platforms {
				executables = append(executables, p.Binary(m.Executable))
			}
		}
		staged = append(staged, Staged{Archive: a, Root: root, Executables: executables})
	}
	return staged, nil
}

// requireBinaries fails, naming them, when binaries of some platforms are
// missing from dist.
func requireBinaries(dist, executable string) error {
	if executable == "" {
		return errors.New("plugin.json says backend: true but names no executable")
	}
	var missing []string
	for _, p := range Platforms {
		if _, err := os.Stat(filepath.Join(dist, p.Binary(executable))); err != nil {
			missing = append(missing, p.Binary(executable))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s lacks %s: build every platform first (go tool mage buildAll)", dist, strings.Join(missing, ", "))
	}
	return nil
}

// stageTree copies dist into root, keeping the binaries of platforms only.
func stageTree(dist, root string, m Manifest, platforms []Platform) error {
	keep := map[string]bool{}
	for _, p := range platforms {
		keep[p.Binary(m.Executable)] = true
	}
	return filepath.WalkDir(dist, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dist, path)
		if err != nil {
			return err
		}
		target := filepath.Join(root, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case !d.Type().IsRegular():
			return fmt.Errorf("%s: not a regular file", path)
		case strings.HasSuffix(d.Name(), ".map"), rel == signatureFile:
			return nil
		case m.Backend && isBinaryName(rel, m.Executable):
			if !keep[rel] {
				return nil
			}
			return linkOrCopy(path, target)
		default:
			return linkOrCopy(path, target)
		}
	})
}

// isBinaryName reports whether rel, a path relative to the plugin folder,
// names a backend binary: "<executable>_..." at the top level.
func isBinaryName(rel, executable string) bool {
	return executable != "" && !strings.ContainsAny(filepath.ToSlash(rel), "/") && strings.HasPrefix(rel, executable+"_")
}

// linkOrCopy puts src at dst: a hard link where the file system allows one
// (binaries are large and there are seven trees), else a copy. Modes do not
// matter here: the zip sets them.
func linkOrCopy(src, dst string) error {
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
