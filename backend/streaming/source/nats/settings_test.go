package nats_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/nats-io/nkeys"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source/conf"
	"github.com/pulse-datasource/pulse/backend/streaming/source/nats"
	"github.com/pulse-datasource/pulse/backend/streaming/source/nats/natstest"
)

// The secrets of the settings specs: no message may quote them.
const (
	secretToken    = "tok-SECRET-1234567"
	secretPassword = "pw-SECRET-7654321"
)

// userSeed is a fresh NKey user seed.
func userSeed() string {
	GinkgoHelper()
	kp, err := nkeys.CreateUser()
	Expect(err).NotTo(HaveOccurred())
	seed, err := kp.Seed()
	Expect(err).NotTo(HaveOccurred())
	return string(seed)
}

// creds is a .creds file's content holding jwt and seed.
func creds(jwt, seed string) string {
	return fmt.Sprintf("-----BEGIN NATS USER JWT-----\n%s\n------END NATS USER JWT------\n\n"+
		"************************* IMPORTANT *************************\nNKEY Seed printed below can be used to sign and prove identity.\n\n"+
		"-----BEGIN USER NKEY SEED-----\n%s\n------END USER NKEY SEED------\n", jwt, seed)
}

// parse reads jsonData given as an object.
func parse(jsonData map[string]any, secure map[string]string) (nats.Settings, error) {
	GinkgoHelper()
	raw, err := json.Marshal(jsonData)
	Expect(err).NotTo(HaveOccurred())
	return nats.ParseSettings(raw, secure)
}

var _ = Describe("Settings", func() {
	It("reads the servers, normalized, and every auth type", func() {
		s, err := parse(map[string]any{"url": " NATS://a , nats://b:4223,nats://[::1]"}, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(s.URL).To(Equal("nats://a:4222,nats://b:4223,nats://[::1]:4222"))
		Expect(s.Servers()).To(HaveLen(3))
		Expect(s.Auth()).To(Equal(nats.AuthNone))

		s, err = parse(map[string]any{"url": "tls://a", "authType": "token", "tlsSkipVerify": true}, map[string]string{"token": secretToken})
		Expect(err).NotTo(HaveOccurred())
		Expect(s.URL).To(Equal("tls://a:4222"))
		Expect(string(s.Token)).To(Equal(secretToken))
		Expect(s.TLS.SkipVerify).To(BeTrue())

		s, err = parse(map[string]any{"url": "nats://a", "authType": "userPassword", "username": "alice"}, map[string]string{"password": secretPassword})
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Username).To(Equal("alice"))

		seed := userSeed()
		_, err = parse(map[string]any{"url": "nats://a", "authType": "nkey"}, map[string]string{"nkeySeed": seed + "\n"})
		Expect(err).NotTo(HaveOccurred())

		s, err = parse(map[string]any{"url": "nats://a", "authType": "credentials", "allowedTopics": []string{"a.>", "b.*"}},
			map[string]string{"credentials": creds("eyJhbGciOiJlZDI1NTE5In0.eyJzdWIiOiJVIn0.c2ln", seed)})
		Expect(err).NotTo(HaveOccurred())
		Expect(s.AllowedTopics).To(Equal([]string{"a.>", "b.*"}))
	})

	DescribeTable("refuses what is wrong, naming the field and quoting no secret",
		func(jsonData map[string]any, secure map[string]string, field string) {
			_, err := parse(jsonData, secure)
			var fe *streaming.FieldError
			Expect(errors.As(err, &fe)).To(BeTrue(), "%v", err)
			Expect(fe.Field).To(Equal(field))
			for _, secret := range secure {
				if len(secret) >= 4 {
					Expect(err.Error()).NotTo(ContainSubstring(secret))
				}
			}
			Expect(err.Error()).NotTo(ContainSubstring("SECRET"))
		},
		Entry("no url", map[string]any{}, nil, "url"),
		Entry("another scheme", map[string]any{"url": "http://a"}, nil, "url"),
		Entry("no host", map[string]any{"url": "nats://:4222"}, nil, "url"),
		Entry("a bad port", map[string]any{"url": "nats://a:70000"}, nil, "url"),
		Entry("an empty port", map[string]any{"url": "nats://a:"}, nil, "url"),
		Entry("a path", map[string]any{"url": "nats://a/x"}, nil, "url"),
		Entry("an empty server", map[string]any{"url": "nats://a,,nats://b"}, nil, "url"),
		Entry("mixed schemes", map[string]any{"url": "nats://a,tls://b"}, nil, "url"),
		Entry("user info", map[string]any{"url": "nats://alice:pw-SECRET@a"}, nil, "url"),
		Entry("a token in the url", map[string]any{"url": "nats://tok-SECRET@a"}, nil, "url"),
		Entry("url not a string", map[string]any{"url": 4222}, nil, "url"),
		Entry("an unknown auth type", map[string]any{"url": "nats://a", "authType": "kerberos"}, nil, "authType"),
		Entry("a token missing", map[string]any{"url": "nats://a", "authType": "token"}, nil, "token"),
		Entry("a user name missing", map[string]any{"url": "nats://a", "authType": "userPassword"}, map[string]string{"password": secretPassword}, "username"),
		Entry("a password missing", map[string]any{"url": "nats://a", "authType": "userPassword", "username": "alice"}, nil, "password"),
		Entry("a seed missing", map[string]any{"url": "nats://a", "authType": "nkey"}, nil, "nkeySeed"),
		Entry("a malformed seed", map[string]any{"url": "nats://a", "authType": "nkey"}, map[string]string{"nkeySeed": "SU-SECRET-not-a-seed"}, "nkeySeed"),
		Entry("credentials missing", map[string]any{"url": "nats://a", "authType": "credentials"}, nil, "credentials"),
		Entry("credentials without a JWT", map[string]any{"url": "nats://a", "authType": "credentials"}, map[string]string{"credentials": "SECRET garbage"}, "credentials"),
		Entry("a too long token", map[string]any{"url": "nats://a", "authType": "token"}, map[string]string{"token": string(make([]byte, nats.MaxSecretBytes+1))}, "token"),
		Entry("a bad allowed subject", map[string]any{"url": "nats://a", "allowedTopics": []string{"a.>.b"}}, nil, "allowedTopics"),
		Entry("allowedTopics not a list", map[string]any{"url": "nats://a", "allowedTopics": "a.>"}, nil, "allowedTopics"),
		Entry("a CA missing for tls://", map[string]any{"url": "tls://a", "tlsAuthWithCACert": true}, nil, "tlsCACert"),
		Entry("a bad client certificate for tls://", map[string]any{"url": "tls://a", "tlsAuth": true},
			map[string]string{"tlsClientCert": "-----SECRET-----", "tlsClientKey": "-----SECRET-----"}, "tlsClientKey"),
	)

	It("ignores the TLS settings for nats:// servers", func() {
		_, err := parse(map[string]any{"url": "nats://a", "tlsAuthWithCACert": true}, nil)
		Expect(err).NotTo(HaveOccurred())
	})

	It("refuses credentials whose seed is not a user's", func() {
		kp, err := nkeys.CreateAccount()
		Expect(err).NotTo(HaveOccurred())
		seed, err := kp.Seed()
		Expect(err).NotTo(HaveOccurred())
		_, err = parse(map[string]any{"url": "nats://a", "authType": "credentials"},
			map[string]string{"credentials": creds("eyJhbGciOiJlZDI1NTE5In0.eyJzdWIiOiJVIn0.c2ln", string(seed))})
		Expect(err).To(MatchError(ContainSubstring("credentials")))
		Expect(err.Error()).NotTo(ContainSubstring(string(seed)))
	})

	It("refuses a damaged .creds content, naming credentials and quoting neither its JWT nor its seed", func() {
		good, err := natstest.UntrustedCreds()
		Expect(err).NotTo(HaveOccurred())
		_, err = parse(map[string]any{"url": "nats://a", "authType": "credentials"}, map[string]string{"credentials": good})
		Expect(err).NotTo(HaveOccurred())
		parts := credsParts(good)
		userJWT, seed := parts[0], parts[3]
		for name, creds := range map[string]string{
			"a short seed":                strings.Replace(good, seed, seed[:len(seed)/2], 1),
			"no seed":                     good[:strings.Index(good, "-----BEGIN USER NKEY SEED-----")],
			"a JWT without its signature": strings.Replace(good, userJWT, userJWT[:strings.LastIndex(userJWT, ".")], 1),
			"no JWT":                      good[strings.Index(good, "************************* IMPORTANT"):],
			"the JWT twice, no seed":      good[:strings.Index(good, "************************* IMPORTANT")] + good[:strings.Index(good, "************************* IMPORTANT")],
		} {
			_, err := parse(map[string]any{"url": "nats://a", "authType": "credentials"}, map[string]string{"credentials": creds})
			var fe *streaming.FieldError
			Expect(errors.As(err, &fe)).To(BeTrue(), "%s: %v", name, err)
			Expect(fe.Field).To(Equal("credentials"), name)
			Expect(err).To(MatchError(ContainSubstring("must be the content of a .creds file")), name)
			for _, secret := range append(parts, seed[:len(seed)/2]) {
				Expect(err.Error()).NotTo(ContainSubstring(secret), name)
			}
		}
	})

	It("prints with every secret redacted, with any verb", func() {
		seed := userSeed()
		s := nats.Settings{URL: "nats://a:4222", AuthType: nats.AuthNKey, Username: "alice", Password: secretPassword, Token: secretToken,
			NKeySeed: conf.Secret(seed), Credentials: conf.Secret(creds("x.y.z", seed)), TLS: conf.TLS{ClientKey: "KEY-SECRET"}}
		for _, text := range []string{s.String(), fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s", s, s, s, s)} {
			Expect(text).To(ContainSubstring("[redacted]"))
			for _, secret := range []string{secretPassword, secretToken, seed, "KEY-SECRET"} {
				Expect(text).NotTo(ContainSubstring(secret))
			}
		}
		raw, err := json.Marshal(s)
		Expect(err).NotTo(HaveOccurred())
		Expect(string(raw)).NotTo(ContainSubstring("SECRET"))
		Expect(string(raw)).NotTo(ContainSubstring(seed))
	})
})
