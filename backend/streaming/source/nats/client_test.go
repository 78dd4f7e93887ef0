package nats_test

import (
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nkeys"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source/conf"
	"github.com/pulse-datasource/pulse/backend/streaming/source/feed/feedtest"
	"github.com/pulse-datasource/pulse/backend/streaming/source/nats"
	"github.com/pulse-datasource/pulse/backend/streaming/source/nats/natstest"
)

// healthy waits until c is connected and its health check passes.
func healthy(c *nats.Client) {
	GinkgoHelper()
	Eventually(c.Stats).WithTimeout(20 * time.Second).Should(HaveField("Connected", true))
	Expect(c.Health(feedtest.ContextFor(20 * time.Second))).To(Succeed())
}

// receivesLive checks that a core subscription of c to subject gets what
// s publishes to it.
func receivesLive(c *nats.Client, s *natstest.Server, subject string) {
	GinkgoHelper()
	col := &collector{}
	sub, err := c.Subscribe(subject, time.Time{}, 0, col.Handle)
	Expect(err).NotTo(HaveOccurred())
	defer sub.Unsubscribe()
	Expect(sub.Replayed).To(BeNil())
	Eventually(func() []string {
		_ = s.Publish(subject, payload(1))
		return col.payloads()
	}).WithTimeout(20 * time.Second).WithPolling(200 * time.Millisecond).ShouldNot(BeEmpty())
}

// credsParts are the secrets of a .creds file's content: its user JWT's
// payload and signature, and its NKey seed; no message may quote any.
func credsParts(creds string) []string {
	GinkgoHelper()
	userJWT, err := nkeys.ParseDecoratedJWT([]byte(creds))
	Expect(err).NotTo(HaveOccurred())
	parts := strings.Split(userJWT, ".")
	Expect(parts).To(HaveLen(3))
	kp, err := nkeys.ParseDecoratedUserNKey([]byte(creds))
	Expect(err).NotTo(HaveOccurred())
	seed, err := kp.Seed()
	Expect(err).NotTo(HaveOccurred())
	return []string{userJWT, parts[1], parts[2], string(seed)}
}

var _ = Describe("The client", func() {
	It("connects anonymously, with a token, a user and password, and an NKey seed", func() {
		feedtest.NoLeaks()
		for name, s := range map[string]nats.Settings{
			"anonymous":    {URL: shared.URL()},
			"token":        {URL: token.URL(), AuthType: nats.AuthToken, Token: conf.Secret(token.Token)},
			"userPassword": {URL: users.URL(), AuthType: nats.AuthUserPassword, Username: natstest.UserName, Password: conf.Secret(users.Password)},
			"nkey":         {URL: users.URL(), AuthType: nats.AuthNKey, NKeySeed: conf.Secret(users.NKeySeed)},
		} {
			By(name)
			c, err := nats.New(s, fastOptions)
			Expect(err).NotTo(HaveOccurred())
			healthy(c)
			server := shared
			switch s.AuthType {
			case nats.AuthToken:
				server = token
			case nats.AuthUserPassword, nats.AuthNKey:
				server = users
			}
			receivesLive(c, server, "auth."+unique())
			c.Close()
			c.Close() // once more: nothing to do
			Expect(c.Health(feedtest.ContextFor(time.Second))).To(MatchError(nats.ErrClosed))
			_, err = c.Subscribe("a", time.Time{}, 0, (&collector{}).Handle)
			Expect(err).To(MatchError(nats.ErrClosed))
		}
	})

	It("says in plain words that the server refused wrong credentials, never quoting them", func() {
		feedtest.NoLeaks()
		other := newServer(natstest.Config{Auth: natstest.AuthUsers}) // its seed is not users'
		DeferCleanup(other.Stop)
		for name, tc := range map[string]struct {
			s      nats.Settings
			secret string
			hint   string
		}{
			"anonymous":    {nats.Settings{URL: token.URL()}, token.Token, "requires authentication"},
			"token":        {nats.Settings{URL: token.URL(), AuthType: nats.AuthToken, Token: "wrong-" + conf.Secret(token.Token)}, token.Token, "check token"},
			"userPassword": {nats.Settings{URL: users.URL(), AuthType: nats.AuthUserPassword, Username: natstest.UserName, Password: "wrong-" + conf.Secret(users.Password)}, users.Password, "check the password of user"},
			"nkey":         {nats.Settings{URL: users.URL(), AuthType: nats.AuthNKey, NKeySeed: conf.Secret(other.NKeySeed)}, other.NKeySeed, "check nkeySeed"},
		} {
			By(name)
			c, err := nats.New(tc.s, fastOptions)
			Expect(err).NotTo(HaveOccurred())
			err = c.Health(feedtest.ContextFor(20 * time.Second))
			Expect(err).To(MatchError(ContainSubstring("the server refused the credentials (authorization violation)")), name)
			Expect(err).To(MatchError(ContainSubstring(tc.hint)), name)
			Expect(err.Error()).NotTo(ContainSubstring(tc.secret), name)
			Expect(c.Stats().Connected).To(BeFalse())
			Expect(c.String()).NotTo(ContainSubstring(tc.secret))
			c.Close()
		}
	})

	It("connects with the content of a .creds file to a server in operator mode, subscribes, receives, and replays JetStream", func() {
		feedtest.NoLeaks()
		s := ownServer(natstest.Config{Auth: natstest.AuthOperator})
		c := newClient(nats.Settings{URL: s.URL(), AuthType: nats.AuthCredentials, Credentials: conf.Secret(s.Creds)})
		healthy(c)
		receivesLive(c, s, "creds."+unique())

		root := stream(s)
		store(s, root+".a", 1, 5)
		col := &collector{}
		sub, err := c.Subscribe(root+".a", time.Now().Add(-time.Hour), 0, col.Handle)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(sub.Unsubscribe)
		Eventually(sub.Replayed).WithTimeout(20 * time.Second).Should(BeClosed())
		Expect(col.payloads()).To(Equal(payloads(1, 5)))
		store(s, root+".a", 6, 6)
		Eventually(col.payloads).WithTimeout(20 * time.Second).Should(Equal(payloads(1, 6)))
	})

	It("says in plain words that an operator-mode server refused expired, revoked or untrusted creds, quoting neither the JWT nor the seed in the error or the log", func() {
		feedtest.NoLeaks()
		s := ownServer(natstest.Config{Auth: natstest.AuthOperator, NoJetStream: true})
		untrusted, err := natstest.UntrustedCreds()
		Expect(err).NotTo(HaveOccurred())
		for name, creds := range map[string]string{"expired": s.ExpiredCreds, "revoked": s.RevokedCreds, "untrusted": untrusted} {
			By(name)
			c, lines := newLoggedClient(nats.Settings{URL: s.URL(), AuthType: nats.AuthCredentials, Credentials: conf.Secret(creds)})
			err := c.Health(feedtest.ContextFor(20 * time.Second))
			Expect(err).To(MatchError(ContainSubstring("NATS at "+s.URL()+": the server refused the credentials (authorization violation)")), name)
			Expect(err).To(MatchError(ContainSubstring("check credentials")), name)
			if name == "expired" {
				// The server says no more than for the others: the hint
				// comes from the JWT's own claims.
				Expect(err).To(MatchError(MatchRegexp(`its user JWT expired at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ; ask for a new \.creds file`)), name)
			} else {
				Expect(err).To(MatchError(ContainSubstring("the server must trust the account that signed the user JWT")), name)
			}
			Expect(c.Stats().Connected).To(BeFalse())
			// The client logged its refused attempts before the check below.
			Eventually(func() int { return lines.Count("Authorization Violation") }).WithTimeout(20*time.Second).Should(BeNumerically(">", 0), name)
			text := c.String()
			c.Close()
			for _, secret := range credsParts(creds) {
				Expect(err.Error()).NotTo(ContainSubstring(secret), name)
				Expect(lines.All()).NotTo(ContainSubstring(secret), name)
				Expect(text).NotTo(ContainSubstring(secret), name)
			}
		}
	})

	It("logs that the server ended the connection when the user JWT of credentials expired, then reports the refusal, quoting neither the JWT nor the seed", func() {
		feedtest.NoLeaks()
		s := ownServer(natstest.Config{Auth: natstest.AuthOperator, NoJetStream: true})
		creds, err := s.CredsExpiring(time.Now().Add(4 * time.Second))
		Expect(err).NotTo(HaveOccurred())
		c, lines := newLoggedClient(nats.Settings{URL: s.URL(), AuthType: nats.AuthCredentials, Credentials: conf.Secret(creds)})
		healthy(c)
		Eventually(c.Stats).WithTimeout(20 * time.Second).Should(HaveField("Connected", false))
		Eventually(func() int { return lines.Count("authentication expired") }).WithTimeout(20 * time.Second).Should(BeNumerically(">", 0))
		// nats-server accepts a new connection during the second the JWT
		// expires in, though it ended the old one.
		Eventually(func() error {
			err = c.Health(feedtest.ContextFor(10 * time.Second))
			return err
		}).WithTimeout(20 * time.Second).WithPolling(250 * time.Millisecond).Should(MatchError(ContainSubstring("the server refused the credentials (authorization violation); check credentials")))
		for _, secret := range credsParts(creds) {
			Expect(err.Error()).NotTo(ContainSubstring(secret))
			Expect(lines.All()).NotTo(ContainSubstring(secret))
		}
	})

	It("speaks TLS to tls:// servers with the CA in tlsCACert, and says what is wrong otherwise", func() {
		feedtest.NoLeaks()
		s := ownServer(natstest.Config{TLS: true})
		c := newClient(nats.Settings{URL: s.URL(), TLS: conf.TLS{AuthWithCACert: true, CACert: conf.Secret(s.PKI.CAPEM)}})
		healthy(c)
		receivesLive(c, s, "tls."+unique())

		for name, tc := range map[string]struct {
			s    nats.Settings
			want string
		}{
			"system CAs": {nats.Settings{URL: s.URL()}, "not signed by a trusted CA"},
			"other CA":   {nats.Settings{URL: s.URL(), TLS: conf.TLS{AuthWithCACert: true, CACert: conf.Secret(s.PKI.OtherCAPEM)}}, "not signed by the CA in tlsCACert"},
			"plain":      {nats.Settings{URL: "nats://" + s.URL()[len("tls://"):]}, "TLS"},
		} {
			c, err := nats.New(tc.s, fastOptions)
			Expect(err).NotTo(HaveOccurred())
			Expect(c.Health(feedtest.ContextFor(20*time.Second))).To(MatchError(ContainSubstring(tc.want)), name)
			c.Close()
		}
	})

	It("says a TLS server does not speak TLS on a plain port", func() {
		c := newClient(nats.Settings{URL: "tls://" + shared.URL()[len("nats://"):], TLS: conf.TLS{SkipVerify: true}})
		Expect(c.Health(feedtest.ContextFor(20 * time.Second))).To(MatchError(ContainSubstring("TLS")))
	})

	It("keeps delivering after the server was killed and restarted, and counts the reconnect", func() {
		feedtest.NoLeaks()
		s := ownServer(natstest.Config{NoJetStream: true})
		c := newClient(nats.Settings{URL: s.URL()})
		healthy(c)
		col := &collector{}
		sub, err := c.Subscribe("restart.>", time.Time{}, 0, col.Handle)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(sub.Unsubscribe)
		Eventually(func() []string {
			_ = s.Publish("restart.a", payload(1))
			return col.payloads()
		}).WithTimeout(20 * time.Second).WithPolling(200 * time.Millisecond).ShouldNot(BeEmpty())
		Expect(s.Kill()).To(Succeed())
		Eventually(c.Stats).WithTimeout(20 * time.Second).Should(HaveField("Connected", false))
		Expect(c.Health(feedtest.ContextFor(20 * time.Second))).To(MatchError(ContainSubstring("connection refused")))
		Expect(s.Restart()).To(Succeed())
		Eventually(func() []string {
			_ = s.Publish("restart.b", payload(2))
			return col.payloads()
		}).WithTimeout(30 * time.Second).WithPolling(200 * time.Millisecond).Should(ContainElement(string(payload(2))))
		Expect(c.Stats().Reconnects).To(BeNumerically(">=", 1))
	})

	It("drops and counts the messages of a core subscription whose handler falls behind, never holding up others", func() {
		feedtest.NoLeaks()
		o := fastOptions
		o.QueueLength = 10
		c, err := nats.New(nats.Settings{URL: shared.URL()}, o)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(c.Close)
		healthy(c)
		gate := make(chan struct{})
		var once sync.Once
		release := func() { once.Do(func() { close(gate) }) }
		DeferCleanup(release)
		subject := "slow." + unique()
		slow, err := c.Subscribe(subject, time.Time{}, 0, func(nats.Message) { <-gate })
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(slow.Unsubscribe)
		fast := &collector{}
		other, err := c.Subscribe(subject, time.Time{}, 0, fast.Handle)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(other.Unsubscribe)
		// One at a time, so that the other subscription, whose queue is
		// as short, never falls behind.
		for n := range 40 {
			Expect(shared.Publish(subject, payload(n))).To(Succeed())
			Eventually(func() int { return len(fast.payloads()) }).WithTimeout(20 * time.Second).Should(Equal(n + 1))
		}
		// The slow handler holds one message, its queue ten more.
		Eventually(func() uint64 { return c.Stats().Dropped }).WithTimeout(20 * time.Second).Should(BeNumerically(">=", 40-11))
		release()
		slow.Unsubscribe()
		Expect(c.Stats().Dropped).To(BeNumerically(">=", 40-11), "still counted after the unsubscribe")
	})

	It("refuses subjects it must not subscribe to, with field errors", func() {
		c := newClient(nats.Settings{URL: shared.URL(), AllowedTopics: []string{"ok.>"}})
		_, err := c.Subscribe("no.a", time.Time{}, 0, (&collector{}).Handle)
		Expect(errors.Is(err, nats.ErrNotAllowed)).To(BeTrue())
		_, err = c.Subscribe("ok..a", time.Time{}, 0, (&collector{}).Handle)
		Expect(errors.Is(err, streaming.ErrMalformed)).To(BeTrue())
		_, err = c.Subscribe("ok.a", time.Time{}, 0, nil)
		Expect(err).To(HaveOccurred())
	})
})
