package natstest_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestNATSTest(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "natstest: nats-servers for specs")
}
