package natstest_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nkeys"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/source/nats/natstest"
)

// accepts reports whether something accepts TCP connections on port.
func accepts(port int) bool {
	c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", itoa(port)), time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

func itoa(n int) string { return strconv.Itoa(n) }

var _ = Describe("Server", func() {
	It("starts with JetStream, keeps its streams across a kill and restart on the same port, and stops", func() {
		s, err := natstest.Start(natstest.Config{})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Stop)
		url := s.URL()
		Expect(url).To(MatchRegexp(`^nats://127\.0\.0\.1:\d+$`))
		Expect(s.PKI).To(BeNil())
		Expect(s.CreateStream("NATSTEST", "natstest.>")).To(Succeed())
		Expect(s.PublishStored("natstest.a", []byte("1"), "one")).To(Succeed())
		Expect(s.PublishStored("natstest.a", []byte("1"), "one")).To(Succeed()) // the same id: stored once

		Expect(s.Kill()).To(Succeed())
		Expect(accepts(s.Port())).To(BeFalse())
		Expect(s.Kill()).To(Succeed()) // once more: nothing to do
		Expect(s.Restart()).To(Succeed())
		Expect(s.URL()).To(Equal(url))
		Expect(s.PublishStored("natstest.b", []byte("2"), "two")).To(Succeed())

		nc, err := s.Connect()
		Expect(err).NotTo(HaveOccurred())
		defer nc.Close()
		js, err := jetstream.New(nc)
		Expect(err).NotTo(HaveOccurred())
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		stream, err := js.Stream(ctx, "NATSTEST")
		Expect(err).NotTo(HaveOccurred())
		info, err := stream.Info(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(info.State.Msgs).To(BeEquivalentTo(2))
		Expect(s.Logs()).To(ContainSubstring("Server is ready"))

		dir := s.Dir()
		s.Stop()
		Expect(accepts(s.Port())).To(BeFalse())
		_, err = os.Stat(dir)
		Expect(os.IsNotExist(err)).To(BeTrue())
		s.Stop() // once more: nothing to do
		Expect(s.Restart()).To(MatchError(ContainSubstring("stopped")))
	})

	It("accepts the token only with AuthToken", func() {
		s, err := natstest.Start(natstest.Config{Auth: natstest.AuthToken})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Stop)
		Expect(s.Token).NotTo(BeEmpty())
		_, err = nats.Connect(s.URL(), nats.MaxReconnects(0))
		Expect(err).To(MatchError(nats.ErrAuthorization))
		nc, err := nats.Connect(s.URL(), nats.Token(s.Token))
		Expect(err).NotTo(HaveOccurred())
		nc.Close()
		Expect(s.Publish("natstest.x", []byte("x"))).To(Succeed())
	})

	It("accepts the user with its password and the NKey user with its seed with AuthUsers", func() {
		s, err := natstest.Start(natstest.Config{Auth: natstest.AuthUsers})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Stop)
		nc, err := nats.Connect(s.URL(), nats.UserInfo(natstest.UserName, s.Password))
		Expect(err).NotTo(HaveOccurred())
		nc.Close()
		_, err = nats.Connect(s.URL(), nats.UserInfo(natstest.UserName, "wrong"))
		Expect(err).To(MatchError(nats.ErrAuthorization))

		Expect(s.NKeySeed).To(HavePrefix("SU"))
		kp, err := nkeys.FromSeed([]byte(s.NKeySeed))
		Expect(err).NotTo(HaveOccurred())
		public, err := kp.PublicKey()
		Expect(err).NotTo(HaveOccurred())
		Expect(public).To(Equal(s.NKeyPublic))
		nc, err = nats.Connect(s.URL(), nats.Nkey(public, kp.Sign))
		Expect(err).NotTo(HaveOccurred())
		nc.Close()
	})

	It("trusts an operator with AuthOperator: accepts Creds, with JetStream, and refuses expired, revoked and untrusted creds", func() {
		s, err := natstest.Start(natstest.Config{Auth: natstest.AuthOperator})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Stop)
		Expect(s.Account).To(HavePrefix("A"))
		Expect(s.Creds).To(ContainSubstring("-----BEGIN NATS USER JWT-----"))
		Expect(s.Creds).To(ContainSubstring("-----BEGIN USER NKEY SEED-----"))
		conf, err := os.ReadFile(filepath.Join(s.Dir(), "nats-server.conf"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(conf)).To(ContainSubstring("resolver: MEMORY"))

		userJWT, err := nkeys.ParseDecoratedJWT([]byte(s.Creds))
		Expect(err).NotTo(HaveOccurred())
		kp, err := nkeys.ParseDecoratedUserNKey([]byte(s.Creds))
		Expect(err).NotTo(HaveOccurred())
		seed, err := kp.Seed()
		Expect(err).NotTo(HaveOccurred())
		Expect(string(conf)).NotTo(ContainSubstring(string(seed)), "the server knows no user's seed")
		_, err = nats.Connect(s.URL(), nats.MaxReconnects(0))
		Expect(err).To(MatchError(nats.ErrAuthorization), "anonymous")
		nc, err := nats.Connect(s.URL(), nats.UserJWTAndSeed(userJWT, string(seed)))
		Expect(err).NotTo(HaveOccurred())
		defer nc.Close()
		Expect(s.CreateStream("OPERATOR", "operator.>")).To(Succeed())
		Expect(s.PublishStored("operator.a", []byte("1"), "one")).To(Succeed())
		js, err := jetstream.New(nc)
		Expect(err).NotTo(HaveOccurred())
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		stream, err := js.Stream(ctx, "OPERATOR")
		Expect(err).NotTo(HaveOccurred())
		info, err := stream.Info(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(info.State.Msgs).To(BeEquivalentTo(1))

		untrusted, err := natstest.UntrustedCreds()
		Expect(err).NotTo(HaveOccurred())
		for name, creds := range map[string]string{"expired": s.ExpiredCreds, "revoked": s.RevokedCreds, "untrusted": untrusted} {
			Expect(creds).To(ContainSubstring("-----BEGIN USER NKEY SEED-----"), name)
			userJWT, err := nkeys.ParseDecoratedJWT([]byte(creds))
			Expect(err).NotTo(HaveOccurred(), name)
			kp, err := nkeys.ParseDecoratedUserNKey([]byte(creds))
			Expect(err).NotTo(HaveOccurred(), name)
			seed, err := kp.Seed()
			Expect(err).NotTo(HaveOccurred(), name)
			_, err = nats.Connect(s.URL(), nats.UserJWTAndSeed(userJWT, string(seed)), nats.MaxReconnects(0))
			Expect(err).To(MatchError(nats.ErrAuthorization), name)
			// Expired and revoked users belong to the account Creds's
			// user does, which the server trusts: it refuses them for
			// their expiry and revocation.
			claims, err := jwt.DecodeUserClaims(userJWT)
			Expect(err).NotTo(HaveOccurred(), name)
			Expect(claims.Issuer == s.Account).To(Equal(name != "untrusted"), name)
			Expect(claims.Expires != 0 && claims.Expires < time.Now().Unix()).To(Equal(name == "expired"), name)
		}
	})

	It("ends the connection of a user whose JWT expires while connected, with AuthOperator", func() {
		s, err := natstest.Start(natstest.Config{Auth: natstest.AuthOperator, NoJetStream: true})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Stop)
		creds, err := s.CredsExpiring(time.Now().Add(2 * time.Second))
		Expect(err).NotTo(HaveOccurred())
		userJWT, err := nkeys.ParseDecoratedJWT([]byte(creds))
		Expect(err).NotTo(HaveOccurred())
		kp, err := nkeys.ParseDecoratedUserNKey([]byte(creds))
		Expect(err).NotTo(HaveOccurred())
		seed, err := kp.Seed()
		Expect(err).NotTo(HaveOccurred())
		errs := make(chan error, 10)
		nc, err := nats.Connect(s.URL(), nats.UserJWTAndSeed(userJWT, string(seed)), nats.MaxReconnects(0),
			nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) { errs <- err }))
		Expect(err).NotTo(HaveOccurred())
		defer nc.Close()
		Eventually(errs).WithTimeout(10 * time.Second).Should(Receive(MatchError(nats.ErrAuthExpired)))
		Eventually(nc.IsClosed).WithTimeout(10 * time.Second).Should(BeTrue())

		plain, err := natstest.Start(natstest.Config{NoJetStream: true})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(plain.Stop)
		_, err = plain.CredsExpiring(time.Now())
		Expect(err).To(MatchError(ContainSubstring("AuthOperator")))
	})

	It("serves TLS with a certificate the PKI's CA signed, and runs without JetStream when asked", func() {
		s, err := natstest.Start(natstest.Config{TLS: true, NoJetStream: true})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(s.Stop)
		Expect(s.URL()).To(HavePrefix("tls://127.0.0.1:"))
		roots := x509.NewCertPool()
		Expect(roots.AppendCertsFromPEM([]byte(s.PKI.CAPEM))).To(BeTrue())
		nc, err := nats.Connect(s.URL(), nats.Secure(&tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}))
		Expect(err).NotTo(HaveOccurred())
		defer nc.Close()
		_, err = nc.Request("$JS.API.INFO", nil, 2*time.Second)
		Expect(err).To(HaveOccurred())
		Expect(s.CreateStream("X", "x")).NotTo(Succeed())
	})
})
