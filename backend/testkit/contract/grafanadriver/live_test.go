package grafanadriver_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/centrifugal/centrifuge"
	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gleak"

	"github.com/pulse-datasource/pulse/backend/testkit/contract"
	"github.com/pulse-datasource/pulse/backend/testkit/contract/grafanadriver"
	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// callTimeout bounds a call that should succeed: generous, for -race on a
// busy machine.
const callTimeout = 10 * time.Second

// outlast is longer than any bound a spec waits for: what only a context
// should end is given this long to end otherwise (centrifuge-go's wait for
// a reply, a dial), so that a generous bound still tells the two apart.
const outlast = 5 * time.Minute

// leakTimeout is how long a closed subscription's goroutines have to end:
// generous for a busy machine, and far shorter than outlast.
const leakTimeout = 30 * time.Second

// The channel the specs watch, as the driver names it and as Centrifuge
// does in org 1.
const (
	channel = "ds/pulse/v1/counter/s=100"
	live    = "1/" + channel
)

var _ = Describe("Subscribe", func() {
	var (
		f *fakeGrafana
		d *grafanadriver.Driver
	)

	BeforeEach(func() {
		f = newFakeGrafana()
		f.channel(live, liveChannel{data: encode(frameAt(seconds(0, 1)...), data.IncludeAll)})
		d = f.driver()
	})

	// subscribe joins a channel that must admit the driver; the spec's
	// cleanup leaves it.
	subscribe := func(ctx context.Context, d *grafanadriver.Driver, channel string) contract.Subscription {
		GinkgoHelper()
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		sub, err := d.Subscribe(ctx, channel)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(sub.Close)
		return sub
	}

	// next is the next packet, which must come and decode.
	next := func(ctx context.Context, sub contract.Subscription) pluginhost.Packet {
		GinkgoHelper()
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		p, err := sub.Next(ctx)
		Expect(err).NotTo(HaveOccurred())
		return p
	}

	// nextError is Next's error, which must come before callTimeout.
	nextError := func(ctx context.Context, sub contract.Subscription) error {
		GinkgoHelper()
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		_, err := sub.Next(ctx)
		Expect(err).To(HaveOccurred())
		Expect(ctx.Err()).NotTo(HaveOccurred(), "Next said so before its deadline: %v", err)
		return err
	}

	Describe("an admitted subscription", func() {
		It("asks for the channel in the user's org, as a browser does", func(ctx SpecContext) {
			subscribe(ctx, d, channel)
			Expect(f.askedChannels()).To(Equal([]string{live}))
			Expect(f.subscribers(live)).To(Equal(1))
		})

		It("holds the admission's data: the schema and the newest rows", func(ctx SpecContext) {
			sub := subscribe(ctx, d, channel)
			initial, ok := sub.Initial()
			Expect(ok).To(BeTrue())
			Expect(initial.HasSchema).To(BeTrue())
			Expect(initial.Frame.Meta.Channel).To(Equal(channel))
			Expect(initial.Frame.Fields[1].Labels).To(Equal(data.Labels{"series": "1"}))
			Expect(rowsOf(initial.Frame)).To(Equal(rowsAt(seconds(0, 1)...)))
		})

		It("reads a pushed schema frame, then data-only frames under it, in order", func(ctx SpecContext) {
			sub := subscribe(ctx, d, channel)
			first := encode(frameAt(seconds(2)...), data.IncludeAll)
			f.publish(live, first)
			f.publish(live, encode(frameAt(seconds(3, 4)...), data.IncludeDataOnly))
			f.publish(live, encode(frameAt(seconds(5)...), data.IncludeDataOnly))

			p := next(ctx, sub)
			Expect(p.HasSchema).To(BeTrue())
			Expect(p.Raw).To(MatchJSON(first), "the bytes the plugin sent")
			Expect(rowsOf(p.Frame)).To(Equal(rowsAt(seconds(2)...)))
			p = next(ctx, sub)
			Expect(p.HasSchema).To(BeFalse())
			Expect(rowsOf(p.Frame)).To(Equal(rowsAt(seconds(3, 4)...)))
			p = next(ctx, sub)
			Expect(rowsOf(p.Frame)).To(Equal(rowsAt(seconds(5)...)))
		})

		It("reads a data-only frame after the admission under the admission's schema", func(ctx SpecContext) {
			sub := subscribe(ctx, d, channel)
			f.publish(live, encode(frameAt(seconds(2, 3)...), data.IncludeDataOnly))

			p := next(ctx, sub)
			Expect(p.HasSchema).To(BeFalse())
			Expect(p.Frame.Fields).To(HaveLen(3))
			Expect(p.Frame.Fields[2].Labels).To(Equal(data.Labels{"series": "2"}))
			Expect(rowsOf(p.Frame)).To(Equal(rowsAt(seconds(2, 3)...)))
		})

		It("keeps what is pushed until Next takes it, and ends, saying so, when more waits than allowed", func(ctx SpecContext) {
			d := f.driver(func(o *grafanadriver.Options) { o.MaxQueued = 2 })
			sub := subscribe(ctx, d, channel)
			for _, s := range []int{2, 3, 4} {
				f.publish(live, encode(frameAt(seconds(s)...), data.IncludeDataOnly))
			}
			Eventually(func() bool { _, ended := grafanadriver.Queued(sub); return ended }).
				WithContext(ctx).WithTimeout(callTimeout).Should(BeTrue())

			Expect(rowsOf(next(ctx, sub).Frame)).To(Equal(rowsAt(seconds(2)...)))
			Expect(rowsOf(next(ctx, sub).Frame)).To(Equal(rowsAt(seconds(3)...)))
			err := nextError(ctx, sub)
			Expect(err).To(MatchError(grafanadriver.ErrEnded))
			Expect(err).To(MatchError(ContainSubstring("more than 2 frames")))
		})
	})

	Describe("frames that cannot be read", func() {
		It("reports a data-only frame when no schema came, neither with the admission nor pushed", func(ctx SpecContext) {
			f.channel("1/ds/pulse/bare", liveChannel{})
			sub := subscribe(ctx, d, "ds/pulse/bare")
			_, ok := sub.Initial()
			Expect(ok).To(BeFalse())

			f.publish("1/ds/pulse/bare", encode(frameAt(seconds(0)...), data.IncludeDataOnly))
			Expect(nextError(ctx, sub)).To(MatchError(pluginhost.ErrNoSchema))
		})

		It("reports a publication that is not a frame, and reads the next one", func(ctx SpecContext) {
			sub := subscribe(ctx, d, channel)
			f.publish(live, []byte(`{"frames":[]}`))
			f.publish(live, encode(frameAt(seconds(2)...), data.IncludeDataOnly))

			Expect(nextError(ctx, sub)).To(MatchError(ContainSubstring(`unexpected key "frames"`)))
			Expect(rowsOf(next(ctx, sub).Frame)).To(Equal(rowsAt(seconds(2)...)))
		})

		It("refuses an admission whose data is not a frame", func(ctx SpecContext) {
			f.channel("1/ds/pulse/odd", liveChannel{data: []byte(`[1,2,3]`)})
			ctx2, cancel := context.WithTimeout(ctx, callTimeout)
			defer cancel()
			_, err := d.Subscribe(ctx2, "ds/pulse/odd")
			Expect(err).To(MatchError(ContainSubstring("the data the admission carried")))
		})
	})

	Describe("refusals", func() {
		refused := func(ctx context.Context, channel string) *contract.RefusedError {
			GinkgoHelper()
			ctx, cancel := context.WithTimeout(ctx, callTimeout)
			defer cancel()
			sub, err := d.Subscribe(ctx, channel)
			Expect(sub).To(BeNil())
			var r *contract.RefusedError
			Expect(errors.As(err, &r)).To(BeTrue(), "a *RefusedError: %v", err)
			Expect(ctx.Err()).NotTo(HaveOccurred(), "refused at once")
			return r
		}

		It("passes on the plugin's NotFound (Grafana's 404)", func(ctx SpecContext) {
			r := refused(ctx, "ds/pulse/v1/nope")
			Expect(r.Status).To(Equal(backend.SubscribeStreamStatusNotFound))
			Expect(r.Channel).To(Equal("ds/pulse/v1/nope"))
			Expect(r.Detail).To(Equal("404: Not Found"))
		})

		It("passes on the plugin's PermissionDenied (Grafana's 403)", func(ctx SpecContext) {
			f.channel("1/ds/pulse/v1/sine/s=0", liveChannel{refuse: &centrifuge.Error{Code: http.StatusForbidden, Message: "Forbidden"}})
			r := refused(ctx, "ds/pulse/v1/sine/s=0")
			Expect(r.Status).To(Equal(backend.SubscribeStreamStatusPermissionDenied))
			Expect(r.Detail).To(Equal("403: Forbidden"))
		})

		It("reads Centrifuge's permission denied, for another org's channel, as PermissionDenied", func(ctx SpecContext) {
			f.set("GET /api/user", canned{status: http.StatusOK, body: []byte(`{"login":"admin","orgId":2}`)})
			r := refused(ctx, channel)
			Expect(r.Status).To(Equal(backend.SubscribeStreamStatusPermissionDenied))
			Expect(r.Detail).To(Equal("103: permission denied"))
			Expect(f.askedChannels()).To(Equal([]string{"2/" + channel}))
		})

		It("reports any other subscribe error with the channel, code and message, not as a refusal", func(ctx SpecContext) {
			f.channel("1/ds/pulse/x y", liveChannel{refuse: &centrifuge.Error{Code: http.StatusBadRequest, Message: "invalid channel ID"}})
			ctx2, cancel := context.WithTimeout(ctx, callTimeout)
			defer cancel()
			_, err := d.Subscribe(ctx2, "ds/pulse/x y")
			Expect(err).To(MatchError(And(ContainSubstring("ds/pulse/x y"), ContainSubstring("400"), ContainSubstring("invalid channel ID"))))
			var r *contract.RefusedError
			Expect(errors.As(err, &r)).To(BeFalse())
			Expect(ctx2.Err()).NotTo(HaveOccurred(), "at once")
		})
	})

	Describe("failing to join", func() {
		It("reports a wrong password with Grafana's 401, not by waiting for the deadline", func(ctx SpecContext) {
			d := f.driver(func(o *grafanadriver.Options) { o.Password = "wrong" })
			ctx2, cancel := context.WithTimeout(ctx, callTimeout)
			defer cancel()
			_, err := d.Subscribe(ctx2, channel)
			Expect(err).To(MatchError(And(ContainSubstring("401"), ContainSubstring("Invalid username or password"))))
			Expect(ctx2.Err()).NotTo(HaveOccurred())
		})

		It("reports a refused WebSocket upgrade with its status and message, at once", func(ctx SpecContext) {
			f.checkOnlyLive()
			d := f.driver(func(o *grafanadriver.Options) { o.Password = "wrong" })
			ctx2, cancel := context.WithTimeout(ctx, callTimeout)
			defer cancel()
			_, err := d.Subscribe(ctx2, channel)
			Expect(err).To(MatchError(And(ContainSubstring("WebSocket upgrade"), ContainSubstring("401"), ContainSubstring("Invalid username or password"))))
			Expect(ctx2.Err()).NotTo(HaveOccurred())
			Expect(f.askedChannels()).To(BeEmpty())
		})

		It("keeps trying through a failing upgrade until the deadline, then names what it saw", func(ctx SpecContext) {
			f.upgradeStatus(http.StatusBadGateway)
			d := f.driver(func(o *grafanadriver.Options) { o.DialTimeout = outlast })
			grafanadriver.SetReadTimeout(d, outlast)
			ctx2, cancel := context.WithTimeout(ctx, time.Second)
			defer cancel()
			start := time.Now()
			_, err := d.Subscribe(ctx2, channel)
			Expect(err).To(MatchError(context.DeadlineExceeded))
			Expect(err).To(MatchError(And(ContainSubstring("bad handshake"), ContainSubstring("502 Bad Gateway"))))
			// Retrying would go on for ever, and no timeout of the driver
			// ends sooner than outlast: only the context stopped it.
			Expect(time.Since(start)).To(BeNumerically("<", callTimeout), "the deadline ended it")
		}, SpecTimeout(2*callTimeout))

		It("reports an unreachable Grafana within the deadline", func(ctx SpecContext) {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			Expect(err).NotTo(HaveOccurred())
			addr := l.Addr().String()
			Expect(l.Close()).To(Succeed())
			d, err := grafanadriver.New(grafanadriver.Options{URL: "http://" + addr, User: fakeUser, Password: fakePassword})
			Expect(err).NotTo(HaveOccurred())

			ctx2, cancel := context.WithTimeout(ctx, callTimeout)
			defer cancel()
			_, err = d.Subscribe(ctx2, channel)
			Expect(err).To(MatchError(ContainSubstring(addr)))
			Expect(ctx2.Err()).NotTo(HaveOccurred())
		})

		It("gives up when its context ends while Grafana does not answer the subscribe", func(ctx SpecContext) {
			f.channel("1/ds/pulse/slow", liveChannel{hang: true})
			// Without the context, only centrifuge-go's wait for the reply
			// would end the subscribe.
			grafanadriver.SetReadTimeout(d, outlast)
			ctx2, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
			defer cancel()
			start := time.Now()
			_, err := d.Subscribe(ctx2, "ds/pulse/slow")
			Expect(err).To(MatchError(context.DeadlineExceeded))
			Expect(time.Since(start)).To(BeNumerically("<", callTimeout), "the deadline ended it")
			Eventually(f.subscribers).WithArguments("1/ds/pulse/slow").WithTimeout(callTimeout).Should(BeZero())
		}, SpecTimeout(3*callTimeout))

		It("gives up at once on a context already ended", func(ctx SpecContext) {
			subscribe(ctx, d, channel) // the org is known: Subscribe goes straight to Live
			ctx2, cancel := context.WithCancel(ctx)
			cancel()
			_, err := d.Subscribe(ctx2, channel)
			Expect(err).To(MatchError(context.Canceled))
		})
	})

	Describe("the end of a subscription", func() {
		It("tells Next when Grafana unsubscribes it, after the frames that came before", func(ctx SpecContext) {
			sub := subscribe(ctx, d, channel)
			f.publish(live, encode(frameAt(seconds(2)...), data.IncludeDataOnly))
			Expect(rowsOf(next(ctx, sub).Frame)).To(Equal(rowsAt(seconds(2)...)))

			Expect(f.node.Unsubscribe("1", live)).To(Succeed())
			err := nextError(ctx, sub)
			Expect(err).To(MatchError(grafanadriver.ErrEnded))
			Expect(err).To(MatchError(And(ContainSubstring("unsubscribed"), ContainSubstring("2000"), ContainSubstring("server unsubscribe"))))
		})

		It("tells Next when Grafana disconnects the viewer", func(ctx SpecContext) {
			sub := subscribe(ctx, d, channel)
			Expect(f.node.Disconnect("1")).To(Succeed())
			err := nextError(ctx, sub)
			Expect(err).To(MatchError(grafanadriver.ErrEnded))
			Expect(err).To(MatchError(And(ContainSubstring("disconnected"), ContainSubstring("3503"), ContainSubstring("force disconnect"))))
		})

		It("tells Next when the connection is lost, rather than joining again as a new viewer", func(ctx SpecContext) {
			sub := subscribe(ctx, d, channel)
			Expect(f.node.Disconnect("1", centrifuge.WithCustomDisconnect(centrifuge.DisconnectForceReconnect))).To(Succeed())
			err := nextError(ctx, sub)
			Expect(err).To(MatchError(grafanadriver.ErrEnded))
			Expect(err).To(MatchError(And(ContainSubstring("lost"), ContainSubstring("3011"), ContainSubstring("force reconnect"))))
			Eventually(f.subscribers).WithArguments(live).WithTimeout(callTimeout).Should(BeZero())
		})

		It("leaves the channel on Close, and says so to Next from then on", func(ctx SpecContext) {
			sub := subscribe(ctx, d, channel)
			f.publish(live, encode(frameAt(seconds(2)...), data.IncludeDataOnly))
			Eventually(func() int { n, _ := grafanadriver.Queued(sub); return n }).WithTimeout(callTimeout).Should(Equal(1))

			sub.Close()
			Eventually(f.subscribers).WithArguments(live).WithTimeout(callTimeout).Should(BeZero())
			Expect(nextError(ctx, sub)).To(MatchError(grafanadriver.ErrClosed), "even with a frame queued")
			sub.Close()
			Expect(nextError(ctx, sub)).To(MatchError(grafanadriver.ErrClosed))
		})

		It("ends a Next that waits when Close comes", func(ctx SpecContext) {
			sub := subscribe(ctx, d, channel)
			errs := make(chan error, 1)
			go func() {
				defer GinkgoRecover()
				_, err := sub.Next(ctx)
				errs <- err
			}()
			sub.Close()
			Eventually(errs).WithTimeout(callTimeout).Should(Receive(MatchError(grafanadriver.ErrClosed)))
		})

		It("ends a Next that waits when its context is cancelled", func(ctx SpecContext) {
			sub := subscribe(ctx, d, channel)
			ctx2, cancel := context.WithCancel(ctx)
			errs := make(chan error, 1)
			go func() {
				defer GinkgoRecover()
				_, err := sub.Next(ctx2)
				errs <- err
			}()
			cancel()
			Eventually(errs).WithTimeout(callTimeout).Should(Receive(MatchError(context.Canceled)))

			f.publish(live, encode(frameAt(seconds(2)...), data.IncludeDataOnly))
			Expect(rowsOf(next(ctx, sub).Frame)).To(Equal(rowsAt(seconds(2)...)), "the subscription carries on")
		})

		It("leaves no goroutine behind once closed", func(ctx SpecContext) {
			// Goroutines of commands waiting for replies end when the
			// client closes, or else after centrifuge-go's read timeout:
			// make that longer than the wait below, so that only Close
			// can have ended them.
			grafanadriver.SetReadTimeout(d, outlast)
			// A first subscription learns the org, leaving the HTTP
			// client's idle connection, which is not the subscription's.
			first := subscribe(ctx, d, channel)
			first.Close()
			Eventually(f.subscribers).WithArguments(live).WithTimeout(callTimeout).Should(BeZero())
			before := gleak.Goroutines()

			sub := subscribe(ctx, d, channel)
			f.publish(live, encode(frameAt(seconds(2)...), data.IncludeDataOnly))
			next(ctx, sub)
			sub.Close()
			Eventually(gleak.Goroutines).WithTimeout(leakTimeout).ShouldNot(gleak.HaveLeaked(before))
		}, SpecTimeout(leakTimeout+2*callTimeout))

		It("leaves no goroutine behind after a failed join", func(ctx SpecContext) {
			grafanadriver.SetReadTimeout(d, outlast)
			subscribe(ctx, d, channel).Close()
			Eventually(f.subscribers).WithArguments(live).WithTimeout(callTimeout).Should(BeZero())
			before := gleak.Goroutines()

			f.upgradeStatus(http.StatusBadGateway)
			ctx2, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
			defer cancel()
			_, err := d.Subscribe(ctx2, channel)
			Expect(err).To(HaveOccurred())
			Eventually(gleak.Goroutines).WithTimeout(leakTimeout).ShouldNot(gleak.HaveLeaked(before))
		}, SpecTimeout(leakTimeout+2*callTimeout))
	})
})
