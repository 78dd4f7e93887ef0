package mqtttest_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestMQTTTest(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "mqtttest: mosquitto brokers for specs")
}
