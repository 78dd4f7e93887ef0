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

// shared is the anonymous server most specs use, users one with
// natstest.AuthUsers and token one with natstest.AuthToken; specs that
// kill a server start their own.
var shared, users, token *natstest.Server

var _ = BeforeSuite(func() {
	// The specs run against a real nats-server: a machine without one
	// fails them, it does not skip them (natstest's error says how to
	// install it).
	shared = newServer(natstest.Config{})
	// The harness's own connection, made now, is not a leak of a spec's.
	Expect(shared.CreateStream("WARMUP", "pulse.warmup")).To(Succeed())
	Expect(shared.PublishStored("pulse.warmup", nil, "warmup")).To(Succeed())
	users = newServer(natstest.Config{Auth: natstest.AuthUsers})
	token = newServer(natstest.Config{Auth: natstest.AuthToken})
	for _, s := range []*natstest.Server{users, token} {
		Expect(s.Publish("pulse.warmup", nil)).To(Succeed())
	}
})

var _ = AfterSuite(func() {
	for _, s := range []*natstest.Server{shared, users, token} {
		if s != nil {
			s.Stop()
		}
	}
})
