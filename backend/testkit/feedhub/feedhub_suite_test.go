package feedhub_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestFeedhub(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Feed hub")
}
