package nats_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/source/nats/natstest"
)

func TestNATS(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "NATS source")
}

// shared is the anonymous server most specs use; specs that kill a
// server or need auth start their own.
var shared *natstest.Server

var _ = BeforeSuite(func() {
	// The specs run against a real nats-server: a machine without one
	// fails them, it does not skip them (natstest's error says how to
	// install it).
	shared = newServer(natstest.Config{})
	// The harness's own connection, made now, is not a leak of a spec's.
	Expect(shared.CreateStream("WARMUP", "pulse.warmup")).To(Succeed())
	Expect(shared.PublishStored("pulse.warmup", nil, "warmup")).To(Succeed())
})

var _ = AfterSuite(func() {
	if shared != nil {
		shared.Stop()
	}
})
