package jsonframe_test

import (
	"flag"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// updateGolden rewrites the golden files instead of comparing with them:
// go test ./jsonframe/ -args -update
var updateGolden = flag.Bool("update", false, "rewrite golden files")

func TestJSONFrame(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "JSON frames")
}
