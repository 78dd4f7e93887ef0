package catalog

import (
	"archive/zip"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Zip writes the folder root into a new zip at path, the folder itself as
// the zip's only top-level entry. Entries are in lexical order, directories
// included, each with a Unix mode in its header whatever the file system
// says: 0755 for directories and for the files executables names (paths
// relative to root, slash-separated), 0644 for other files, so that unzip
// restores executable binaries and nothing else executable.
func Zip(root, path string, executables []string) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(path)
		}
	}()
	w := zip.NewWriter(f)
	parent := filepath.Dir(root)
	marked := map[string]bool{}
	for _, e := range executables {
		marked[filepath.Base(root)+"/"+e] = true
	}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(parent, p)
		if err != nil {
			return err
		}
		return addEntry(w, p, filepath.ToSlash(rel), info, marked[filepath.ToSlash(rel)])
	})
	if err != nil {
		return err
	}
	return w.Close()
}

// addEntry writes one file or directory of the tree into w under name.
func addEntry(w *zip.Writer, path, name string, info fs.FileInfo, executable bool) error {
	h := &zip.FileHeader{Name: name, Modified: info.ModTime()}
	switch {
	case info.IsDir():
		h.Name += "/"
		h.SetMode(fs.ModeDir | 0o755)
		_, err := w.CreateHeader(h)
		return err
	case executable:
		h.SetMode(0o755)
	default:
		h.SetMode(0o644)
	}
	h.Method = zip.Deflate
	dst, err := w.CreateHeader(h)
	if err != nil {
		return err
	}
	src, err := os.Open(path)
	if err != nil {
		return err
	}
	defer src.Close()
	_, err = io.Copy(dst, src)
	return err
}
