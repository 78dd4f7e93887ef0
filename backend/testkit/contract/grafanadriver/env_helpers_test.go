package grafanadriver_test

import (
	"os"

	. "github.com/onsi/ginkgo/v2"
)

// unsetenv unsets name for the spec, restoring it after.
func unsetenv(name string) {
	if old, ok := os.LookupEnv(name); ok {
		DeferCleanup(os.Setenv, name, old)
	}
	_ = os.Unsetenv(name)
}
