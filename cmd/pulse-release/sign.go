package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"

	"github.com/pulse-datasource/pulse/internal/catalog"
)

// signPlugin is Grafana's signing tool, pinned; dependabot does not see it,
// so bump it by hand.
const signPlugin = "@grafana/sign-plugin@3.3.3"

// tokenEnv holds the Grafana access policy token signing needs.
const tokenEnv = "GRAFANA_ACCESS_POLICY_TOKEN"

// signAll signs every staged tree with its own MANIFEST.txt (a manifest
// lists every file, so each archive needs one of its own) when the token
// is set, and says so when it is not.
func signAll(staged []catalog.Staged, stdout io.Writer) error {
	if os.Getenv(tokenEnv) == "" {
		fmt.Fprintf(stdout, "%s is not set: the archives are UNSIGNED; Grafana loads them only where unsigned loading is allowed for this plugin\n", tokenEnv)
		return nil
	}
	for _, s := range staged {
		fmt.Fprintln(stdout, "signing", s.Archive.Name)
		cmd := exec.Command("npx", "--yes", signPlugin, "--distDir", s.Root)
		cmd.Stdout, cmd.Stderr = stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("signing %s: %w", s.Archive.Name, err)
		}
	}
	return nil
}
