package httpstream_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestHTTPStream(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "HTTP stream source")
}
