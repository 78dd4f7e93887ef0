package main

import (
	"bufio"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	dfparser "github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/patternmatcher"
	"golang.org/x/mod/modfile"
)

// What the Grafana image needs from the Dockerfile.
const (
	pluginsDir     = "/var/lib/grafana/plugins"
	frontendStage  = "frontend"
	backendStage   = "backend"
	grafanaBase    = "${GRAFANA_IMAGE}:${GRAFANA_VERSION}"
	backendBinary  = "gpx_pulse_streaming_"
	moduleDownload = "go mod download"
)

var fromVar = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)`)

// CheckDockerfile parses a Dockerfile with BuildKit's own parser and linter
// (the rules `docker build --check` applies that need no image) and checks
// the project's rules: a frontend and a backend stage, a final stage on
// ${GRAFANA_IMAGE}:${GRAFANA_VERSION} with defaults, base images pinned and
// named without a registry host, COPY sources that exist in the build
// context and survive .dockerignore, the workspace's go.mod files
// copied before the module download, a mage target that Magefile.go defines,
// and the plugin copied into Grafana's plugin directory with executable
// binaries.
func CheckDockerfile(file, contextDir, pluginID string) []error {
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{relTo(contextDir, file)}, args...)...))
	}
	stages, defaults, err := parseDockerfile(file, contextDir, add)
	if err != nil {
		return append(errs, err)
	}
	names := checkStages(add, contextDir, stages, defaults)
	for _, want := range []string{frontendStage, backendStage} {
		if _, ok := names[want]; !ok {
			add("no stage %q", want)
		}
	}
	final := stages[len(stages)-1]
	if final.BaseName != grafanaBase {
		add("the final stage is FROM %s, want FROM %s", final.BaseName, grafanaBase)
	}
	finalArgs := map[string]string{}
	for _, cmd := range final.Commands {
		if c, ok := cmd.(*instructions.ArgCommand); ok {
			for _, kv := range c.Args {
				if kv.Value != nil {
					finalArgs[kv.Key] = *kv.Value
				}
			}
		}
	}
	checkFinalStage(add, final, finalArgs, pluginID)
	if i, ok := names[backendStage]; ok {
		checkBackendStage(add, contextDir, stages[i])
	}
	return errs
}

// checkContextSource reports a COPY source that is not in the build context.
func checkContextSource(add func(string, ...any), contextDir, src string, ignore *patternmatcher.PatternMatcher) {
	clean := path.Clean(strings.TrimPrefix(src, "/"))
	if clean == "." {
		return
	}
	matches, err := filepath.Glob(filepath.Join(contextDir, filepath.FromSlash(clean)))
	if err != nil || len(matches) == 0 {
		add("COPY %s: not in the build context", src)
		return
	}
	if ignore == nil {
		return
	}
	for _, m := range matches {
		r, _ := filepath.Rel(contextDir, m)
		if excluded, _ := ignore.MatchesOrParentMatches(filepath.ToSlash(r)); excluded {
			add("COPY %s: %s is excluded by .dockerignore", src, r)
		}
	}
}

// checkFinalStage wants the frontend and the backend binaries copied into the
// plugin's directory, the binaries executable.
func checkFinalStage(add func(string, ...any), s instructions.Stage, args map[string]string, pluginID string) {
	dir := pluginsDir + "/" + pluginID
	copied := map[string]bool{}
	for _, cmd := range s.Commands {
		c, ok := cmd.(*instructions.CopyCommand)
		if !ok || c.From == "" {
			continue
		}
		dest := path.Clean(os.Expand(c.DestPath, func(k string) string { return args[k] }))
		if dest != dir {
			add("COPY --from=%s to %s (%s), want %s/", c.From, c.DestPath, dest, dir)
			continue
		}
		copied[strings.ToLower(c.From)] = true
		if strings.EqualFold(c.From, backendStage) {
			for _, src := range c.SourcePaths {
				if !strings.Contains(path.Base(src), backendBinary) {
					add("COPY --from=%s %s: want the %s* binaries", c.From, src, backendBinary)
				}
			}
			if !executable(c.Chmod) {
				add("COPY --from=%s: the binaries need --chmod with execute bits (e.g. 0755), got %q", c.From, c.Chmod)
			}
		}
	}
	for _, want := range []string{frontendStage, backendStage} {
		if !copied[want] {
			add("the final stage does not copy the %s stage into %s/", want, dir)
		}
	}
}

func executable(mode string) bool {
	if mode == "" {
		return false
	}
	var m uint32
	if _, err := fmt.Sscanf(mode, "%o", &m); err != nil {
		return strings.Contains(mode, "x")
	}
	return m&0o111 == 0o111
}

// checkBackendStage wants every workspace module's go.mod copied before the
// module download, and the mage targets it runs defined in Magefile.go.
func checkBackendStage(add func(string, ...any), contextDir string, s instructions.Stage) {
	checkModuleDownload(add, contextDir, s)
	var mageTargets []string
	for _, cmd := range s.Commands {
		c, ok := cmd.(*instructions.RunCommand)
		if !ok {
			continue
		}
		if _, after, ok := strings.Cut(strings.Join(c.CmdLine, " "), "go tool mage"); ok {
			for _, word := range strings.Fields(after) {
				if word == "&&" || word == ";" || word == "|" {
					break
				}
				if !strings.HasPrefix(word, "-") {
					mageTargets = append(mageTargets, word)
				}
			}
		}
	}
	if len(mageTargets) == 0 {
		add("stage %s: no RUN go tool mage <target>", s.Name)
	}
	defined, err := mageTargetsOf(filepath.Join(contextDir, "Magefile.go"))
	if err != nil {
		add("%v", err)
		return
	}
	for _, t := range mageTargets {
		if !defined[strings.ToLower(t)] {
			add("stage %s: mage target %q is not defined in Magefile.go (it has %s)", s.Name, t, strings.Join(sortedKeys(defined), ", "))
		}
	}
}

// checkModuleDownload wants a RUN go mod download in stage s, with go.work
// and every workspace module's go.mod and go.sum copied before it, so that
// the download layer survives source changes.
func checkModuleDownload(add func(string, ...any), contextDir string, s instructions.Stage) {
	copiedBefore := map[string]bool{}
	downloaded := false
	for _, cmd := range s.Commands {
		switch c := cmd.(type) {
		case *instructions.CopyCommand:
			if c.From == "" && !downloaded {
				for _, src := range c.SourcePaths {
					copiedBefore[path.Clean(src)] = true
				}
			}
		case *instructions.RunCommand:
			if strings.Contains(strings.Join(c.CmdLine, " "), moduleDownload) {
				downloaded = true
			}
		}
	}
	if !downloaded {
		add("stage %s: no RUN %s before the sources, so every source change downloads the modules again", s.Name, moduleDownload)
	}
	work, err := readWork(filepath.Join(contextDir, "go.work"))
	if err != nil {
		add("%v", err)
	}
	for _, dir := range work {
		for _, name := range []string{"go.mod", "go.sum"} {
			p := path.Join(dir, name)
			if _, err := os.Stat(filepath.Join(contextDir, filepath.FromSlash(p))); err == nil && !copiedBefore[p] {
				add("stage %s: %s is not copied before %q", s.Name, p, moduleDownload)
			}
		}
	}
	if !copiedBefore["go.work"] && len(work) > 0 {
		add("stage %s: go.work is not copied before %q", s.Name, moduleDownload)
	}
}

// readWork lists the module directories of a go.work, relative and slashed.
func readWork(file string) ([]string, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	wf, err := modfile.ParseWork(file, raw, nil)
	if err != nil {
		return nil, err
	}
	var dirs []string
	for _, u := range wf.Use {
		dirs = append(dirs, path.Clean(filepath.ToSlash(u.Path)))
	}
	return dirs, nil
}

// mageTargetsOf returns the targets a magefile defines, lower-cased as mage
// matches them: exported functions, "namespace:method" for mg.Namespace
// types, and the keys of an Aliases map.
func mageTargetsOf(file string) (map[string]bool, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, 0)
	if err != nil {
		return nil, err
	}
	targets := map[string]bool{}
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.FuncDecl:
			if !d.Name.IsExported() {
				continue
			}
			if d.Recv == nil {
				targets[strings.ToLower(d.Name.Name)] = true
			} else if len(d.Recv.List) == 1 {
				if id, ok := d.Recv.List[0].Type.(*ast.Ident); ok {
					targets[strings.ToLower(id.Name+":"+d.Name.Name)] = true
				}
			}
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				vs, ok := spec.(*ast.ValueSpec)
				if !ok || len(vs.Names) != 1 || vs.Names[0].Name != "Aliases" || len(vs.Values) != 1 {
					continue
				}
				if lit, ok := vs.Values[0].(*ast.CompositeLit); ok {
					for _, elt := range lit.Elts {
						if kv, ok := elt.(*ast.KeyValueExpr); ok {
							if key, ok := kv.Key.(*ast.BasicLit); ok {
								targets[strings.ToLower(strings.Trim(key.Value, "\"`"))] = true
							}
						}
					}
				}
			}
		}
	}
	return targets, nil
}

// dockerignore reads the build context's .dockerignore, or nil without one.
func dockerignore(contextDir string) *patternmatcher.PatternMatcher {
	f, err := os.Open(filepath.Join(contextDir, ".dockerignore"))
	if err != nil {
		return nil
	}
	defer f.Close()
	var patterns []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line != "" && !strings.HasPrefix(line, "#") {
			patterns = append(patterns, line)
		}
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		return nil
	}
	return pm
}

// parseDockerfile parses a Dockerfile with BuildKit's parser and linter,
// reporting parser warnings, lint findings and variables in a FROM without a
// global default through add. It returns the stages and the global ARG
// defaults, or an error when the file does not parse.
func parseDockerfile(file, contextDir string, add func(string, ...any)) ([]instructions.Stage, map[string]string, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	res, err := dfparser.Parse(f)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", relTo(contextDir, file), err)
	}
	for _, w := range res.Warnings {
		add("line %d: %s", w.Location.Start.Line, w.Short)
	}
	lint := linter.New(&linter.Config{Warn: func(rule, _, _, msg string, loc []dfparser.Range) {
		line := 0
		if len(loc) > 0 {
			line = loc[0].Start.Line
		}
		add("line %d: %s: %s", line, rule, msg)
	}})
	stages, metaArgs, err := instructions.Parse(res.AST, lint)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", relTo(contextDir, file), err)
	}

	// Every variable in a FROM is a global ARG with a default.
	defaults := map[string]string{}
	for _, a := range metaArgs {
		for _, kv := range a.Args {
			if kv.Value != nil {
				defaults[kv.Key] = *kv.Value
			} else {
				defaults[kv.Key] = ""
			}
		}
	}
	for _, s := range stages {
		for _, m := range fromVar.FindAllStringSubmatch(s.BaseName, -1) {
			if defaults[m[1]] == "" {
				add("FROM %s: ARG %s needs a default before the first FROM", s.BaseName, m[1])
			}
		}
	}
	if len(stages) == 0 {
		return nil, nil, fmt.Errorf("%s: no stages", relTo(contextDir, file))
	}
	return stages, defaults, nil
}

// baseImage is a stage's FROM with the global ARG defaults filled in.
func baseImage(s instructions.Stage, defaults map[string]string) string {
	return os.Expand(s.BaseName, func(k string) string { return defaults[k] })
}
