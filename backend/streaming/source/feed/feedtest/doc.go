// Package feedtest helps specs of push sources: a Recorder is a
// streaming.PacketSender that keeps a stream's packets and reads them back
// as Grafana's frontend does, and the Ginkgo helpers open a source with
// metrics (OpenSource), query it (QueryFrames), stream a channel into a
// Recorder (Stream), collect a client's messages (Collector), log to the
// spec's timeline (Logger, Lines) and check that a spec leaves no
// goroutine behind (NoLeaks). Production code never imports it.
package feedtest
