package signals_test

import (
	"flag"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// updateGolden rewrites the golden files instead of comparing with them:
// go test ./source/signals/ -args -update
var updateGolden = flag.Bool("update", false, "rewrite golden files")

func TestSignals(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Signals source")
}
