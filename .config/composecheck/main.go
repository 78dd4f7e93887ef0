// Command composecheck validates docker-compose.yaml and the provisioning it
// mounts, without Docker: it loads the compose file as `docker compose` does
// (schema, interpolation, normalization), prints the services, checks the
// project's rules for its services (Grafana, the MQTT broker, the NATS server,
// the demo feed) and their Dockerfiles, checks every provisioned data source
// and dashboard query against docs/query-model.md and docs/mqtt.md (the
// HTTP, WebSocket and NATS ones against feedsources.go's tables), and that
// the MQTT, NATS, HTTP and WebSocket data sources name the compose file's
// services that serve them.
//
// Usage, from this directory (the module is not in go.work):
//
//	GOWORK=off go run . [-os-env] [-project-directory DIR] [COMPOSE_FILE]
//
// COMPOSE_FILE defaults to the docker-compose.yaml of the repository. It exits
// 1 when anything is wrong, 2 on bad usage.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/compose-spec/compose-go/v2/dotenv"
)

func main() {
	osEnv := flag.Bool("os-env", false, "interpolate from the process environment and .env, as docker compose does (default: an empty environment, as on a fresh machine)")
	projectDir := flag.String("project-directory", "", "the repository root relative paths resolve against (default: the compose file's directory)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: composecheck [flags] [COMPOSE_FILE]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 1 {
		flag.Usage()
		os.Exit(2)
	}

	file := flag.Arg(0)
	if file == "" {
		var err error
		if file, err = findUp("docker-compose.yaml"); err != nil {
			fail(err)
		}
	}
	file, err := filepath.Abs(file)
	if err != nil {
		fail(err)
	}
	root := *projectDir
	if root == "" {
		root = filepath.Dir(file)
	}
	if root, err = filepath.Abs(root); err != nil {
		fail(err)
	}

	var env []string
	if *osEnv {
		env = os.Environ()
		if dot, err := dotenv.GetEnvFromFile(map[string]string{}, []string{filepath.Join(root, ".env")}); err == nil {
			for k, v := range dot {
				if _, set := os.LookupEnv(k); !set {
					env = append(env, k+"="+v)
				}
			}
		}
	}

	errs := Run(context.Background(), file, root, env, os.Stdout)
	if len(errs) > 0 {
		for _, e := range errs {
			fmt.Fprintln(os.Stderr, "FAIL:", e)
		}
		fmt.Fprintf(os.Stderr, "%s: %d problem(s)\n", file, len(errs))
		os.Exit(1)
	}
	fmt.Printf("%s: ok\n", file)
}

// Run loads the compose file, prints its services to out, and returns every
// problem with it, its rules and the provisioning it mounts.
func Run(ctx context.Context, file, root string, env []string, out interface{ Write([]byte) (int, error) }) []error {
	project, err := LoadProject(ctx, file, root, env)
	if err != nil {
		return []error{fmt.Errorf("%s: %w", filepath.Base(file), err)}
	}
	fmt.Fprint(out, Describe(project))

	pluginID, err := PluginID(root)
	if err != nil {
		return []error{err}
	}
	errs := CheckRules(project, pluginID)

	contract, err := LoadContract(filepath.Join(root, "docs", "query-model.md"))
	if err != nil {
		return append(errs, err)
	}
	if contract.MQTT, err = LoadMQTTContract(filepath.Join(root, "docs", "mqtt.md")); err != nil {
		return append(errs, err)
	}
	dir := MountedProvisioning(project)
	if dir == "" {
		dir = filepath.Join(root, provisioningDir)
	}
	prov, err := ReadProvisioning(dir)
	if err != nil {
		return append(errs, err)
	}
	errs = append(errs, prov.Check(contract, pluginID, provisioningPath)...)
	return append(errs, CheckStack(project, prov, contract.MQTT)...)
}

// findUp looks for name in the working directory and its parents.
func findUp(name string) (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		path := filepath.Join(dir, name)
		if _, err := os.Stat(path); err == nil {
			return path, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New(name + " not found here or in any parent directory")
		}
		dir = parent
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "composecheck:", err)
	os.Exit(2)
}
