package hostspec_test

import (
	"context"
	"fmt"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// recorder reads a RunStream call in the background, as Grafana's stream
// manager does, and keeps every packet and the error the call ended with.
type recorder struct {
	path   string
	cancel context.CancelFunc
	done   chan struct{}

	mu      sync.Mutex
	packets []pluginhost.Packet
	rows    []pluginhost.Row
	err     error
}

// record starts RunStream for ds's channel path and reads it until the
// call ends; the spec's cleanup cancels it.
func record(ctx context.Context, ds pluginhost.Instance, path string) *recorder {
	GinkgoHelper()
	ctx, cancel := context.WithCancel(ctx)
	stream, err := host.RunStream(ctx, ds.RunStreamRequest(path))
	if err != nil {
		cancel()
	}
	Expect(err).NotTo(HaveOccurred())
	r := &recorder{path: path, cancel: cancel, done: make(chan struct{})}
	DeferCleanup(r.stop)
	go r.run(stream)
	return r
}

func (r *recorder) run(stream *pluginhost.Stream) {
	defer close(r.done)
	for {
		p, err := stream.Next()
		var rows []pluginhost.Row
		if err == nil {
			rows, err = pluginhost.Rows(p.Frame)
		}
		r.mu.Lock()
		if err != nil {
			r.err = err
			r.mu.Unlock()
			return
		}
		r.packets = append(r.packets, p)
		r.rows = append(r.rows, rows...)
		r.mu.Unlock()
	}
}

// stop cancels the call, as Grafana does when the last viewer left, and
// waits until the reader saw the call end.
func (r *recorder) stop() {
	r.cancel()
	Eventually(r.done).WithTimeout(streamTimeout).Should(BeClosed())
}

// Packets are the packets received so far.
func (r *recorder) Packets() []pluginhost.Packet {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]pluginhost.Packet(nil), r.packets...)
}

// Rows are the rows received so far, in order.
func (r *recorder) Rows() []pluginhost.Row {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]pluginhost.Row(nil), r.rows...)
}

// snapshot is the packets received so far and their rows, taken together.
func (r *recorder) snapshot() ([]pluginhost.Packet, []pluginhost.Row) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]pluginhost.Packet(nil), r.packets...), append([]pluginhost.Row(nil), r.rows...)
}

// Err is the error the call ended with, or nil while it runs.
func (r *recorder) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// waitPackets waits until at least n packets arrived and returns them.
func (r *recorder) waitPackets(n int) []pluginhost.Packet {
	GinkgoHelper()
	Eventually(func() int { return len(r.Packets()) }).WithTimeout(streamTimeout).WithPolling(10*time.Millisecond).
		Should(BeNumerically(">=", n), r.describe("packets"))
	return r.Packets()
}

// waitRows waits until at least n rows arrived and returns them.
func (r *recorder) waitRows(n int) []pluginhost.Row {
	GinkgoHelper()
	Eventually(func() int { return len(r.Rows()) }).WithTimeout(streamTimeout).WithPolling(10*time.Millisecond).
		Should(BeNumerically(">=", n), r.describe("rows"))
	return r.Rows()
}

// describe is a failure description that says how the call ended.
func (r *recorder) describe(what string) func() string {
	return func() string { return fmt.Sprintf("%s on %s (call error: %v)", what, r.path, r.Err()) }
}
