package main

import (
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// goImageOf is the base image of the backend stage of the Dockerfile at
// file (.config/Dockerfile), with its ARG defaults filled in.
func goImageOf(file, contextDir string) (string, error) {
	stages, defaults, err := parseDockerfile(file, contextDir, func(string, ...any) {})
	if err != nil {
		return "", err
	}
	for _, s := range stages {
		if strings.EqualFold(s.Name, backendStage) {
			return baseImage(s, defaults), nil
		}
	}
	return "", fmt.Errorf("%s: no stage %q to take the Go image from", relTo(contextDir, file), backendStage)
}

// CheckFeedDockerfile checks the demo feed's Dockerfile with BuildKit's
// parser and linter, and the project's rules: a first stage on goImage (the
// Go image of .config/Dockerfile, so that both build with the Go release
// go.work requires), the workspace's module files copied before the module
// download, a go build of the feed's package (a package main in the
// repository, copied into the image), COPY sources that exist and survive
// .dockerignore, base images named without a registry host, and a final
// stage that takes the binary from the build and runs it.
func CheckFeedDockerfile(file, contextDir, goImage string) []error {
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{relTo(contextDir, file)}, args...)...))
	}
	stages, defaults, err := parseDockerfile(file, contextDir, add)
	if err != nil {
		return append(errs, err)
	}
	names := checkStages(add, contextDir, stages, defaults)

	build := stages[0]
	if base := baseImage(build, defaults); goImage != "" && base != goImage {
		add("the build stage is FROM %s, want %s, the Go image of %s", base, goImage, dockerfile)
	}
	checkModuleDownload(add, contextDir, build)

	// The package it builds, and where its sources come from.
	pkgDir := strings.TrimPrefix(feedPackage, "./")
	built, copied := false, false
	for _, cmd := range build.Commands {
		switch c := cmd.(type) {
		case *instructions.RunCommand:
			words := strings.Fields(strings.Join(c.CmdLine, " "))
			if i := slices.Index(words, "build"); i > 0 && words[i-1] == "go" &&
				slices.ContainsFunc(words[i:], func(w string) bool { return path.Clean(w) == pkgDir }) {
				built = true
			}
		case *instructions.CopyCommand:
			for _, src := range c.SourcePaths {
				if c.From == "" && within(pkgDir, path.Clean(strings.TrimPrefix(src, "/"))) {
					copied = true
				}
			}
		}
	}
	if !built {
		add("stage %s: no RUN go build %s", stageName(build), feedPackage)
	}
	if !copied {
		add("stage %s: no COPY brings %s into the image", stageName(build), pkgDir)
	}
	if err := isMainPackage(filepath.Join(contextDir, filepath.FromSlash(pkgDir))); err != nil {
		add("%v", err)
	}

	final := stages[len(stages)-1]
	if len(stages) < 2 {
		add("one stage only: run the binary in a final stage of its own, without the Go toolchain")
		return errs
	}
	takes := false
	runs := false
	for _, cmd := range final.Commands {
		switch c := cmd.(type) {
		case *instructions.CopyCommand:
			if j, ok := names[strings.ToLower(c.From)]; ok && j == 0 {
				takes = true
			}
		case *instructions.EntrypointCommand, *instructions.CmdCommand:
			runs = true
		}
	}
	if !takes {
		add("the final stage copies nothing from the build stage %s", stageName(build))
	}
	if !runs {
		add("the final stage has no ENTRYPOINT or CMD to run the feed")
	}
	return errs
}

// checkStages applies the rules every Dockerfile of the project follows:
// COPY --from names an earlier stage, COPY sources exist in the build
// context and survive .dockerignore, and base images name no registry
// host. It returns the stages' indexes by lower-cased name.
func checkStages(add func(string, ...any), contextDir string, stages []instructions.Stage, defaults map[string]string) map[string]int {
	names := map[string]int{}
	for i, s := range stages {
		if s.Name != "" {
			names[strings.ToLower(s.Name)] = i
		}
	}
	ignore := dockerignore(contextDir)
	for i, s := range stages {
		base := baseImage(s, defaults)
		if j, ok := names[strings.ToLower(base)]; !(ok && j < i) && base != "scratch" {
			checkImageRef(add, "FROM "+base, base)
		}
		for _, cmd := range s.Commands {
			c, ok := cmd.(*instructions.CopyCommand)
			if !ok {
				continue
			}
			if c.From != "" {
				if j, ok := names[strings.ToLower(c.From)]; !ok || j >= i {
					add("COPY --from=%s: no earlier stage of that name", c.From)
				}
				continue
			}
			for _, src := range c.SourcePaths {
				checkContextSource(add, contextDir, src, ignore)
			}
		}
	}
	return names
}

func stageName(s instructions.Stage) string {
	if s.Name != "" {
		return s.Name
	}
	return "FROM " + s.BaseName
}

// within says whether the slashed path dir is src or lies below it.
func within(dir, src string) bool {
	return src == "." || dir == src || strings.HasPrefix(dir, src+"/")
}

// isMainPackage says why dir does not hold a Go package main.
func isMainPackage(dir string) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return err
	}
	found := false
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.PackageClauseOnly)
		if err != nil {
			return err
		}
		if parsed.Name.Name != "main" {
			return fmt.Errorf("%s is package %s, not a command", f, parsed.Name.Name)
		}
		found = true
	}
	if !found {
		if _, err := os.Stat(dir); err != nil {
			return fmt.Errorf("%s: %w", feedPackage, err)
		}
		return fmt.Errorf("%s holds no Go files", feedPackage)
	}
	return nil
}
