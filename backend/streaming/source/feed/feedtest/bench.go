package feedtest

import (
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/pulse-datasource/pulse/backend/streaming/source/feed"
)

// BenchReceive measures an Upstream's per-message path at saturation: it
// subscribes sub with a handler that counts messages, sends b.N to start,
// on which the benchmark's server sends that many messages as fast as it
// can, and waits (a minute at most) until the handler saw them all. Besides
// the time and allocations it reports cpu-ns/op, the process's CPU time
// per message, the server's included.
func BenchReceive(b *testing.B, up feed.Upstream, sub feed.Subscription, start chan<- int) {
	b.Helper()
	var got atomic.Int64
	all := make(chan struct{})
	want := int64(b.N)
	s, err := up.Subscribe(sub, func(feed.Message) {
		if got.Add(1) == want {
			close(all)
		}
	})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Unsubscribe()
	b.ReportAllocs()
	b.ResetTimer()
	cpu := CPUTime(b)
	start <- b.N
	select {
	case <-all:
	case <-time.After(time.Minute):
		b.Fatalf("%d messages of %d arrived", got.Load(), b.N)
	}
	b.StopTimer()
	b.ReportMetric(float64(CPUTime(b)-cpu)/float64(b.N), "cpu-ns/op")
}

// CPUTime is the process's user and system time so far.
func CPUTime(tb testing.TB) time.Duration {
	tb.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
