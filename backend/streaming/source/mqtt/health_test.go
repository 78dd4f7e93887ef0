package mqtt_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/source/feed/feedtest"
	"github.com/pulse-datasource/pulse/backend/streaming/source/mqtt"
	"github.com/pulse-datasource/pulse/backend/streaming/source/mqtt/mqtttest"
)

// fakeBroker accepts connections on a loopback port and serves each with
// serve; it stops with the spec.
func fakeBroker(serve func(net.Conn)) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		conns []net.Conn
	)
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Go(func() { serve(c) })
		}
	})
	DeferCleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return "tcp://" + l.Addr().String()
}

// answering serves a connection by answering its CONNECT with answer, or
// never (nil), and reading until the client hangs up.
func answering(answer []byte) func(net.Conn) {
	return func(c net.Conn) {
		r := bufio.NewReader(c)
		if _, err := r.ReadByte(); err != nil { // CONNECT's first byte
			return
		}
		if answer != nil {
			_, _ = c.Write(answer)
		}
		_, _ = r.WriteTo(discard{})
	}
}

// refusingBroker is a broker that accepts every connection and refuses
// every subscription: SUBACK 0x80 (MQTT 3.1.1) or 0x87 "not authorized"
// (MQTT 5).
func refusingBroker(v mqtt.ProtocolVersion) string {
	return fakeBroker(func(c net.Conn) {
		r := bufio.NewReader(c)
		for {
			kind, body, err := readPacket(r)
			if err != nil {
				return
			}
			var answer []byte
			switch kind >> 4 {
			case 1: // CONNECT
				answer = []byte{0x20, 0x02, 0x00, 0x00}
				if v == mqtt.MQTT5 {
					answer = []byte{0x20, 0x03, 0x00, 0x00, 0x00}
				}
			case 8: // SUBSCRIBE: the packet identifier leads the body
				answer = []byte{0x90, 0x03, body[0], body[1], 0x80}
				if v == mqtt.MQTT5 {
					answer = []byte{0x90, 0x04, body[0], body[1], 0x00, 0x87}
				}
			case 12: // PINGREQ
				answer = []byte{0xD0, 0x00}
			case 14: // DISCONNECT
				return
			}
			if _, err := c.Write(answer); err != nil {
				return
			}
		}
	})
}

// readPacket reads one MQTT packet: its first byte and its body.
func readPacket(r *bufio.Reader) (byte, []byte, error) {
	kind, err := r.ReadByte()
	if err != nil {
		return 0, nil, err
	}
	length, shift := 0, 0
	for {
		b, err := r.ReadByte()
		if err != nil {
			return 0, nil, err
		}
		length |= int(b&0x7F) << shift
		if b&0x80 == 0 {
			break
		}
		shift += 7
	}
	body := make([]byte, length)
	_, err = io.ReadFull(r, body)
	return kind, body, err
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// checkHealth runs CheckHealth and returns its *ConnectError (nil when it
// succeeded), checking that the message holds none of the secrets.
func checkHealth(s mqtt.Settings) *mqtt.ConnectError {
	err := mqtt.CheckHealth(feedtest.ContextFor(30*time.Second), s, mqtt.Options{})
	if err == nil {
		return nil
	}
	var ce *mqtt.ConnectError
	ExpectWithOffset(1, errors.As(err, &ce)).To(BeTrue(), "%T %v", err, err)
	for _, secret := range []mqtt.Secret{s.Password, s.TLSClientKey, s.TLSClientCert, s.TLSCACert} {
		if secret != "" {
			ExpectWithOffset(1, err.Error()).NotTo(ContainSubstring(string(secret)))
		}
	}
	GinkgoWriter.Printf("health: %s\n", err)
	return ce
}

var _ = Describe("Health", func() {
	for _, v := range versions {
		Context("with MQTT "+string(v), func() {
			BeforeEach(feedtest.NoLeaks)

			It("succeeds anonymously, with a password, over TLS with a client certificate, and over websockets", func() {
				Expect(checkHealth(settings(shared, "plain", v))).To(BeNil())
				auth := settings(shared, "auth", v)
				auth.Username, auth.Password = mqtttest.AliceName, mqtttest.AlicePassword
				Expect(checkHealth(auth)).To(BeNil())
				Expect(checkHealth(tlsSettings(shared, "tlsCert", v))).To(BeNil())
				Expect(checkHealth(tlsSettings(shared, "tlsServer", v))).To(BeNil())
				Expect(checkHealth(settings(shared, "ws", v))).To(BeNil())
				Expect(checkHealth(tlsSettings(shared, "wss", v))).To(BeNil())
			})

			It("says not authorized for a wrong password, which is how mosquitto refuses one", func() {
				s := settings(shared, "auth", v)
				s.Username, s.Password = mqtttest.AliceName, "wrong-"+mqtttest.AlicePassword
				ce := checkHealth(s)
				Expect(ce.Reason).To(Equal(mqtt.ReasonNotAuthorized))
				Expect(ce.Error()).To(Equal(`not authorized: the broker refused the user "alice": a wrong password, or a user that may not connect`))
			})

			It("says not authorized for an anonymous client the broker wants to know", func() {
				ce := checkHealth(settings(shared, "auth", v))
				Expect(ce.Reason).To(Equal(mqtt.ReasonNotAuthorized))
				Expect(ce.Error()).To(Equal("not authorized: the broker refused an anonymous connection; set username and password, or a client certificate"))
			})

			It("says bad credentials for a CONNACK 'bad user name or password'", func() {
				answer := []byte{0x20, 0x02, 0x00, 0x04} // MQTT 3.1.1: return code 4
				if v == mqtt.MQTT5 {
					answer = []byte{0x20, 0x03, 0x00, 0x86, 0x00} // MQTT 5: reason code 0x86, no properties
				}
				s := mqtt.Settings{URI: fakeBroker(answering(answer)), ProtocolVersion: v, Username: mqtttest.AliceName, Password: mqtttest.AlicePassword}
				ce := checkHealth(s)
				Expect(ce.Reason).To(Equal(mqtt.ReasonBadCredentials))
				Expect(ce.Error()).To(Equal(`bad credentials: the broker refused the user name "alice" with its password`))
			})

			It("says connection refused for a port nothing listens on", func() {
				port := feedtest.FreePort()
				ce := checkHealth(mqtt.Settings{URI: "tcp://127.0.0.1:" + strconv.Itoa(port), ProtocolVersion: v})
				Expect(ce.Reason).To(Equal(mqtt.ReasonRefused))
				Expect(ce.Error()).To(Equal("connection refused: nothing accepts connections at 127.0.0.1:" + strconv.Itoa(port) + "; check the host and port in uri, and that the broker runs"))
			})

			It("says no such host for a name that does not resolve", func() {
				ce := checkHealth(mqtt.Settings{URI: "tcp://broker.pulse-test.invalid:1883", ProtocolVersion: v})
				Expect(ce.Reason).To(Equal(mqtt.ReasonNoSuchHost))
				Expect(ce.Error()).To(Equal(`no such host: "broker.pulse-test.invalid" does not resolve; check the host in uri`))
			})

			It("says timeout when the broker never answers CONNECT, within the context's time", func() {
				uri := fakeBroker(answering(nil))
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				defer cancel()
				start := time.Now()
				err := mqtt.CheckHealth(ctx, mqtt.Settings{URI: uri, ProtocolVersion: v}, mqtt.Options{})
				Expect(time.Since(start)).To(BeNumerically("<", 9*time.Second))
				var ce *mqtt.ConnectError
				Expect(errors.As(err, &ce)).To(BeTrue())
				Expect(ce.Reason).To(Equal(mqtt.ReasonTimeout))
				Expect(ce.Error()).To(HavePrefix("timeout: "))
				Expect(ce.Error()).To(ContainSubstring(strings.TrimPrefix(uri, "tcp://")))
			})

			It("says TLS when the broker's certificate is not signed by the CA in tlsCACert", func() {
				s := tlsSettings(shared, "tlsServer", v)
				s.TLSCACert = mqtt.Secret(shared.PKI.OtherCAPEM)
				ce := checkHealth(s)
				Expect(ce.Reason).To(Equal(mqtt.ReasonTLS))
				Expect(ce.Error()).To(Equal("TLS: the broker's certificate is not signed by the CA in tlsCACert"))
			})

			It("says TLS when no CA is given for a broker's own CA", func() {
				s := tlsSettings(shared, "tlsServer", v)
				s.TLSAuthWithCACert, s.TLSCACert = false, ""
				ce := checkHealth(s)
				Expect(ce.Reason).To(Equal(mqtt.ReasonTLS))
				Expect(ce.Error()).To(Equal("TLS: the broker's certificate is not signed by a trusted CA; set tlsAuthWithCACert and put the CA that signed it in tlsCACert"))
				s.TLSSkipVerify = true
				Expect(checkHealth(s)).To(BeNil())
			})

			It("says TLS when the broker's certificate is for another host name", func() {
				s := tlsSettings(shared, "tlsServer", v)
				s.URI = strings.Replace(s.URI, "127.0.0.1", "localhost", 1)
				ce := checkHealth(s)
				Expect(ce.Reason).To(Equal(mqtt.ReasonTLS))
				Expect(ce.Error()).To(Equal(`TLS: the broker's certificate is not valid for "localhost" (it is for broker.pulse.test, 127.0.0.1); use a host name it holds in uri`))
			})

			It("says TLS when the broker wants a client certificate and gets none", func() {
				s := tlsSettings(shared, "tlsCert", v)
				s.TLSAuth, s.TLSClientCert, s.TLSClientKey = false, "", ""
				ce := checkHealth(s)
				Expect(ce.Reason).To(Equal(mqtt.ReasonTLS))
				// The broker's alert, or, when a reset overtook it, the
				// connection's end right after the handshake.
				Expect(ce.Error()).To(Or(
					MatchRegexp(`^TLS: the broker refused the handshake \(tls: [a-z ]+\); check the client certificate: tlsAuth, tlsClientCert and tlsClientKey$`),
					Equal("TLS: the broker at "+strings.TrimPrefix(s.URI, "ssl://")+" ended the connection right after the TLS handshake; it may want a client certificate: check tlsAuth, tlsClientCert and tlsClientKey"),
				))
			})

			It("says TLS when a TLS uri names a plain port, and closed when a plain uri names a TLS port", func() {
				plain := strings.Replace(shared.URL("plain"), "tcp://", "ssl://", 1)
				ce := checkHealth(mqtt.Settings{URI: plain, ProtocolVersion: v})
				Expect(ce.Reason).To(Equal(mqtt.ReasonTLS))
				Expect(ce.Error()).To(HavePrefix("TLS: "))

				tlsPort := strings.Replace(shared.URL("tlsServer"), "tls://", "tcp://", 1)
				ce = checkHealth(mqtt.Settings{URI: tlsPort, ProtocolVersion: v})
				Expect(ce.Reason).To(Equal(mqtt.ReasonClosed))
				Expect(ce.Error()).To(Equal("the broker at " + strings.TrimPrefix(tlsPort, "tcp://") + " closed the connection without answering MQTT's CONNECT: is it a TLS port (then use ssl:// or wss://), or an MQTT port at all?"))
			})

			It("says websocket when the server refuses the upgrade or is no websockets server", func() {
				srv := httptest.NewServer(http.NotFoundHandler())
				DeferCleanup(srv.Close)
				ce := checkHealth(mqtt.Settings{URI: strings.Replace(srv.URL, "http://", "ws://", 1) + "/mqtt", ProtocolVersion: v})
				Expect(ce.Reason).To(Equal(mqtt.ReasonWebsocket))
				Expect(ce.Error()).To(Equal("websocket: the broker at " + strings.TrimPrefix(srv.URL, "http://") + " answered the upgrade with HTTP status 404; check the path in uri and that the port serves MQTT over websockets"))

				plain := strings.Replace(shared.URL("plain"), "tcp://", "ws://", 1)
				ce = checkHealth(mqtt.Settings{URI: plain, ProtocolVersion: v})
				Expect(ce.Reason).To(Equal(mqtt.ReasonWebsocket))
				Expect(ce.Error()).To(Equal("websocket: the broker at " + strings.TrimPrefix(plain, "ws://") + " closed the connection during the websocket upgrade: is it a websockets port (a plain MQTT port needs tcp://)?"))
			})
		})
	}

	It("answers for a running client from its state, without a new connection", func() {
		feedtest.NoLeaks()
		c := dial(settings(shared, "plain", mqtt.MQTT311), mqtt.Options{})
		Expect(c.Health(feedtest.ContextFor(10 * time.Second))).To(Succeed())
	})
})

// tlsSettings trust the specs' CA and present the client certificate.
func tlsSettings(b *mqtttest.Broker, listener string, v mqtt.ProtocolVersion) mqtt.Settings {
	s := settings(b, listener, v)
	s.TLSAuthWithCACert, s.TLSCACert = true, mqtt.Secret(b.PKI.CAPEM)
	s.TLSAuth, s.TLSClientCert, s.TLSClientKey = true, mqtt.Secret(b.PKI.ClientCertPEM), mqtt.Secret(b.PKI.ClientKeyPEM)
	return s
}
