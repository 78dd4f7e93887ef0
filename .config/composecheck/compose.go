package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// The project's conventions for its Grafana service.
const (
	serviceName      = "grafana"
	dockerfile       = ".config/Dockerfile"
	provisioningDir  = "provisioning"
	provisioningPath = "/etc/grafana/provisioning"
	unsignedEnv      = "GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS"
	grafanaPort      = 3000
)

// LoadProject loads a compose file the way `docker compose` does: schema
// validation (unknown keys fail), interpolation of ${VAR:-default} from env,
// normalization and relative paths resolved against workingDir.
func LoadProject(ctx context.Context, file, workingDir string, env []string) (*types.Project, error) {
	opts, err := cli.NewProjectOptions([]string{file},
		cli.WithWorkingDirectory(workingDir),
		cli.WithEnv(env),
		cli.WithInterpolation(true),
		cli.WithNormalization(true),
		cli.WithResolvedPaths(true),
		cli.WithConsistency(true),
	)
	if err != nil {
		return nil, err
	}
	return opts.LoadProject(ctx)
}

// PluginID reads the plugin's id from src/plugin.json under root.
func PluginID(root string) (string, error) {
	raw, err := os.ReadFile(filepath.Join(root, "src", "plugin.json"))
	if err != nil {
		return "", err
	}
	var meta struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(raw, &meta); err != nil {
		return "", fmt.Errorf("src/plugin.json: %w", err)
	}
	if meta.ID == "" {
		return "", fmt.Errorf("src/plugin.json: no id")
	}
	return meta.ID, nil
}

// CheckRules applies the project's own rules to the loaded project, whose
// WorkingDir is the repository root. It returns every broken rule.
func CheckRules(p *types.Project, pluginID string) []error {
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("service %s: "+format, append([]any{serviceName}, args...)...))
	}
	svc, ok := p.Services[serviceName]
	if !ok {
		return []error{fmt.Errorf("no service %q (have %s)", serviceName, strings.Join(p.ServiceNames(), ", "))}
	}

	// Built from this checkout with the project's Dockerfile.
	if df, ok := checkBuild(p, svc, dockerfile, add); ok {
		errs = append(errs, CheckDockerfile(df, svc.Build.Context, pluginID)...)
	}
	if svc.Build != nil {
		for _, arg := range []string{"GRAFANA_IMAGE", "GRAFANA_VERSION"} {
			if v := svc.Build.Args[arg]; v == nil || *v == "" {
				add("build.args.%s is empty; give it a ${%s:-default}", arg, arg)
			}
		}
	}

	// Mounts the provisioning directory, which must exist.
	mounted := slices.ContainsFunc(svc.Volumes, func(v types.ServiceVolumeConfig) bool {
		return v.Type == types.VolumeTypeBind && v.Target == provisioningPath &&
			filepath.Clean(v.Source) == filepath.Join(p.WorkingDir, provisioningDir)
	})
	if !mounted {
		add("does not bind-mount ./%s at %s", provisioningDir, provisioningPath)
	}
	if st, err := os.Stat(filepath.Join(p.WorkingDir, provisioningDir)); err != nil || !st.IsDir() {
		add("./%s is not a directory", provisioningDir)
	}

	// Unsigned loading for this plugin and no other.
	if v := svc.Environment[unsignedEnv]; v == nil {
		add("environment lacks %s=%s", unsignedEnv, pluginID)
	} else if ids := splitList(*v); len(ids) != 1 || ids[0] != pluginID {
		add("%s=%q; it must allow exactly %s", unsignedEnv, *v, pluginID)
	}

	// Reachable, and with a health check on Grafana's health endpoint.
	if !slices.ContainsFunc(svc.Ports, func(pc types.ServicePortConfig) bool { return pc.Target == grafanaPort }) {
		add("publishes no port for Grafana's %d", grafanaPort)
	}
	if svc.HealthCheck == nil || svc.HealthCheck.Disable || !slices.ContainsFunc(svc.HealthCheck.Test, func(s string) bool {
		return strings.Contains(s, "/api/health")
	}) {
		add("needs a healthcheck on /api/health")
	}
	return errs
}

// MountedProvisioning is the host directory the service mounts at Grafana's
// provisioning path, or "" when it mounts none.
func MountedProvisioning(p *types.Project) string {
	for _, v := range p.Services[serviceName].Volumes {
		if v.Type == types.VolumeTypeBind && v.Target == provisioningPath {
			return v.Source
		}
	}
	return ""
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// Describe renders the loaded services, one block each, for the log.
func Describe(p *types.Project) string {
	var b strings.Builder
	fmt.Fprintf(&b, "project %s (%s)\n", p.Name, p.WorkingDir)
	for _, name := range p.ServiceNames() {
		svc := p.Services[name]
		fmt.Fprintf(&b, "service %s\n", name)
		if svc.Image != "" {
			fmt.Fprintf(&b, "  image       %s\n", svc.Image)
		}
		if svc.Build != nil {
			fmt.Fprintf(&b, "  build       %s, dockerfile %s\n", relTo(p.WorkingDir, svc.Build.Context), svc.Build.Dockerfile)
			for _, k := range sortedKeys(svc.Build.Args) {
				fmt.Fprintf(&b, "  build arg   %s=%s\n", k, deref(svc.Build.Args[k]))
			}
		}
		if len(svc.Command) > 0 {
			fmt.Fprintf(&b, "  command     %s\n", strings.Join(svc.Command, " "))
		}
		for _, pc := range svc.Ports {
			fmt.Fprintf(&b, "  port        %s:%d/%s\n", pc.Published, pc.Target, pc.Protocol)
		}
		for _, v := range svc.Volumes {
			mode := "rw"
			if v.ReadOnly {
				mode = "ro"
			}
			fmt.Fprintf(&b, "  volume      %s %s -> %s (%s)\n", v.Type, relTo(p.WorkingDir, v.Source), v.Target, mode)
		}
		for _, k := range sortedKeys(svc.Environment) {
			fmt.Fprintf(&b, "  environment %s=%s\n", k, deref(svc.Environment[k]))
		}
		if hc := svc.HealthCheck; hc != nil {
			fmt.Fprintf(&b, "  healthcheck %s\n", strings.Join(hc.Test, " "))
		}
		for _, dep := range sortedKeys(svc.DependsOn) {
			fmt.Fprintf(&b, "  depends_on  %s (%s)\n", dep, svc.DependsOn[dep].Condition)
		}
		if svc.Restart != "" {
			fmt.Fprintf(&b, "  restart     %s\n", svc.Restart)
		}
	}
	return b.String()
}

func relTo(base, path string) string {
	r, err := filepath.Rel(base, path)
	switch {
	case err != nil || strings.HasPrefix(r, ".."):
		return path
	case r == ".":
		return "."
	}
	return "./" + filepath.ToSlash(r)
}

func deref(s *string) string {
	if s == nil {
		return "(unset)"
	}
	return *s
}

// checkBuild checks that svc is built from this checkout (the repository
// root as its context) with the Dockerfile want, a path from the root, and
// returns that file's path when it is and the file exists.
func checkBuild(p *types.Project, svc types.ServiceConfig, want string, add func(string, ...any)) (string, bool) {
	if svc.Build == nil {
		add("has no build section; it must build from %s", want)
		return "", false
	}
	if filepath.Clean(svc.Build.Context) != filepath.Clean(p.WorkingDir) {
		add("build.context is %s, want the repository root %s", svc.Build.Context, p.WorkingDir)
	}
	df := svc.Build.Dockerfile
	if !filepath.IsAbs(df) {
		df = filepath.Join(svc.Build.Context, df)
	}
	if full := filepath.Join(p.WorkingDir, want); filepath.Clean(df) != full {
		add("build.dockerfile is %s, want %s", df, want)
		return "", false
	}
	if _, err := os.Stat(df); err != nil {
		add("build.dockerfile %s: %v", want, err)
		return "", false
	}
	return df, true
}
