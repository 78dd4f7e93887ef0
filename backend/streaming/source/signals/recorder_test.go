package signals_test

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source/signals"
)

// virtualClock jumps to every deadline at once, so a pump on it runs as
// fast as it can while scheduling exactly as on the wall clock. Only the
// pump's goroutine may use it.
type virtualClock struct{ now time.Time }

func (c *virtualClock) Now() time.Time { return c.now }

func (c *virtualClock) After(d time.Duration) <-chan time.Time {
	if d > 0 {
		c.now = c.now.Add(d)
	}
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

// sent is one packet as a recorder saw it.
type sent struct {
	frame      *data.Frame
	withSchema bool
	at         time.Time // the clock's time when it was sent
	bytes      int
}

// recorder is a PacketSender that decodes what it is sent, as Grafana Live's
// clients do: data-only packets are read under the last schema.
type recorder struct {
	mu      sync.Mutex
	packets []sent
	schema  *data.Frame
	clock   streaming.Clock
	delay   time.Duration
	err     error
	// onSend, when set, runs after each packet is recorded.
	onSend func(n int)
}

func (r *recorder) SendBytes(packet []byte) error {
	time.Sleep(r.delay)
	var top map[string]json.RawMessage
	Expect(json.Unmarshal(packet, &top)).To(Succeed())
	_, withSchema := top["schema"]
	frame := &data.Frame{}
	if withSchema {
		Expect(json.Unmarshal(packet, frame)).To(Succeed())
		r.schema = frame.EmptyCopy()
	} else {
		Expect(r.schema).NotTo(BeNil(), "a data-only packet came before any schema")
		frame = r.schema.EmptyCopy()
		Expect(data.AppendJSONData(frame, packet)).To(Succeed())
	}
	var at time.Time
	if r.clock != nil {
		at = r.clock.Now()
	}
	r.mu.Lock()
	r.packets = append(r.packets, sent{frame: frame, withSchema: withSchema, at: at, bytes: len(packet)})
	n := len(r.packets)
	r.mu.Unlock()
	if r.onSend != nil {
		r.onSend(n)
	}
	return r.err
}

func (r *recorder) snapshot() []sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]sent(nil), r.packets...)
}

// runVirtual runs a pump on a virtual clock starting at start until it has
// sent the given number of packets, and returns them.
func runVirtual(q signals.Query, start time.Time, packets int, opts signals.PumpOptions, during ...func(n int, clock *virtualClock)) (*signals.Pump, []sent) {
	clock := &virtualClock{now: start}
	opts.Clock = clock
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := &recorder{clock: clock}
	r.onSend = func(n int) {
		for _, f := range during {
			f(n, clock)
		}
		if n == packets {
			cancel()
		}
	}
	pump := signals.NewPump(q, r, opts)
	Expect(pump.Run(ctx)).To(MatchError(context.Canceled))
	return pump, r.snapshot()
}
