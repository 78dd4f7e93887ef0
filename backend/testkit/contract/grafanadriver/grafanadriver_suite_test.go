package grafanadriver_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestGrafanadriver(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "grafanadriver")
}
