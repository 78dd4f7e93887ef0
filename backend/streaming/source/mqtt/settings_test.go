package mqtt_test

import (
	"encoding/json"
	"fmt"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source/mqtt"
	"github.com/pulse-datasource/pulse/backend/streaming/source/mqtt/mqtttest"
)

// Secrets distinctive enough that finding them anywhere is a leak.
const (
	secretPassword = "pw-7f3a9c-never-show"
	secretKeyWord  = "never-show-key-material"
)

var _ = Describe("Settings", func() {
	var secure map[string]string
	BeforeEach(func() {
		secure = map[string]string{"password": secretPassword}
	})

	It("reads grafana/mqtt-datasource's names and Pulse's own", func() {
		p := newPKI()
		secure["tlsCACert"], secure["tlsClientCert"], secure["tlsClientKey"] = p.CAPEM, p.ClientCertPEM, p.ClientKeyPEM
		s, err := mqtt.ParseSettings([]byte(`{
			"uri": "ssl://broker.example.com:8883", "username": "grafana", "clientID": "dashboards-1",
			"tlsSkipVerify": false, "tlsAuth": true, "tlsAuthWithCACert": true,
			"protocolVersion": "5", "allowedTopics": ["sensors/#", "alerts/+"],
			"source": "mqtt", "maxStreams": 100
		}`), secure)
		Expect(err).NotTo(HaveOccurred())
		Expect(s).To(Equal(mqtt.Settings{
			URI: "ssl://broker.example.com:8883", Username: "grafana", Password: secretPassword, ClientID: "dashboards-1",
			ProtocolVersion: mqtt.MQTT5, TLSAuth: true, TLSAuthWithCACert: true,
			TLSCACert: mqtt.Secret(p.CAPEM), TLSClientCert: mqtt.Secret(p.ClientCertPEM), TLSClientKey: mqtt.Secret(p.ClientKeyPEM),
			AllowedTopics: []string{"sensors/#", "alerts/+"},
		}))
	})

	It("defaults to MQTT 3.1.1, a fresh client ID each time, any topic", func() {
		a, err := mqtt.ParseSettings([]byte(`{"uri":"tcp://broker:1883"}`), nil)
		Expect(err).NotTo(HaveOccurred())
		b, err := mqtt.ParseSettings([]byte(`{"uri":"tcp://broker:1883","clientID":"  ","protocolVersion":null}`), nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(a.Version()).To(Equal(mqtt.MQTT311))
		Expect(a.ClientID).To(MatchRegexp(`^pulse-[0-9a-f]{16}$`))
		Expect(b.ClientID).To(MatchRegexp(`^pulse-[0-9a-f]{16}$`))
		Expect(a.ClientID).NotTo(Equal(b.ClientID))
		Expect(a.AllowedTopics).To(BeEmpty())
		Expect(mqtt.Settings{URI: "tcp://broker"}.Validate()).To(Succeed())
	})

	DescribeTable("fills in the port of each scheme and keeps a websocket's path",
		func(uri, want string) {
			s, err := mqtt.ParseSettings([]byte(`{"uri":`+quote(uri)+`}`), nil)
			Expect(err).NotTo(HaveOccurred())
			Expect(s.URI).To(Equal(want))
		},
		Entry(nil, "tcp://broker", "tcp://broker:1883"),
		Entry(nil, "mqtt://broker", "mqtt://broker:1883"),
		Entry(nil, "ssl://broker", "ssl://broker:8883"),
		Entry(nil, "TLS://Broker", "tls://Broker:8883"),
		Entry(nil, "mqtts://broker:9000", "mqtts://broker:9000"),
		Entry(nil, "ws://broker/mqtt", "ws://broker:80/mqtt"),
		Entry(nil, "wss://broker:8443/mqtt?x=1", "wss://broker:8443/mqtt?x=1"),
		Entry(nil, " tcp://broker:1883/ ", "tcp://broker:1883"),
		Entry(nil, "tcp://[::1]", "tcp://[::1]:1883"),
	)

	DescribeTable("refuses bad settings, naming the field, never quoting a secret",
		func(jsonData, field, reason string) {
			_, err := mqtt.ParseSettings([]byte(jsonData), secure)
			var fe *streaming.FieldError
			Expect(err).To(BeAssignableToTypeOf(fe))
			Expect(err.Error()).To(HavePrefix(field + ": "))
			Expect(err.Error()).To(ContainSubstring(reason))
			Expect(err.Error()).NotTo(ContainSubstring(secretPassword))
			Expect(err.Error()).NotTo(ContainSubstring("hunter2"))
		},
		Entry("no uri", `{}`, "uri", "the broker's address is required"),
		Entry("an empty uri", `{"uri":" "}`, "uri", "the broker's address is required"),
		Entry("a uri without scheme", `{"uri":"broker:1883"}`, "uri", `must be tcp://, ssl://, tls://, ws:// or wss:// and a host, such as tcp://broker:1883, got "broker:1883"`),
		Entry("an http uri", `{"uri":"http://broker"}`, "uri", `got "http://broker"`),
		Entry("a uri without host", `{"uri":"tcp://:1883"}`, "uri", "must name the broker's host"),
		Entry("port 0", `{"uri":"tcp://broker:0"}`, "uri", "a port outside 1 to 65535"),
		Entry("a port too large", `{"uri":"tcp://broker:65536"}`, "uri", "a port outside 1 to 65535"),
		Entry("an empty port", `{"uri":"tcp://broker:"}`, "uri", "an empty port"),
		Entry("credentials in the uri", `{"uri":"tcp://bob:hunter2@broker:1883"}`, "uri", "must not hold a user name or password: set username and password instead"),
		Entry("a malformed uri with credentials", `{"uri":"tcp://bob:hunter2@broker:x"}`, "uri", "must not hold a user name or password"),
		Entry("a uri that is no string", `{"uri":1883}`, "uri", "must be a string, got 1883"),
		Entry("an unknown protocol version", `{"uri":"tcp://b","protocolVersion":"4"}`, "protocolVersion", `must be "3.1.1" or "5", got "4"`),
		Entry("a protocol version as a number", `{"uri":"tcp://b","protocolVersion":5}`, "protocolVersion", "must be a string, got 5"),
		Entry("a bool in quotes", `{"uri":"tcp://b","tlsSkipVerify":"true"}`, "tlsSkipVerify", "must be true or false"),
		Entry("allowedTopics as a string", `{"uri":"tcp://b","allowedTopics":"a/#"}`, "allowedTopics", `must be a list of topic filters (strings), got "\"a/#\""`),
		Entry("an invalid allowed filter", `{"uri":"tcp://b","allowedTopics":["a/#","b/#/c"]}`, "allowedTopics", "entry 2: '#' must be a whole level and the last one"),
		Entry("an empty allowed filter", `{"uri":"tcp://b","allowedTopics":[""]}`, "allowedTopics", "entry 1: a topic filter is at least one character"),
		Entry("a client ID with U+0000", `{"uri":"tcp://b","clientID":"a\u0000b"}`, "clientID", "must not hold U+0000"),
		Entry("a user name too long", `{"uri":"tcp://b","username":"`+strings.Repeat("u", 65536)+`"}`, "username", "at most 65535 bytes"),
		Entry("jsonData that is no object", `[1]`, "settings", "not a JSON object"),
	)

	It("refuses more than 1000 allowed filters", func() {
		list, _ := json.Marshal(make([]string, 1001))
		_, err := mqtt.ParseSettings([]byte(`{"uri":"tcp://b","allowedTopics":`+string(list)+`}`), nil)
		Expect(err).To(MatchError(ContainSubstring("allowedTopics: lists at most 1000 topic filters, got 1001")))
	})

	Describe("TLS", func() {
		var p *mqtttest.PKI
		BeforeEach(func() { p = newPKI() })

		DescribeTable("asks for the PEM blocks its flags name, without quoting them",
			func(jsonData string, sec map[string]string, want string) {
				sec["password"] = secretPassword
				_, err := mqtt.ParseSettings([]byte(jsonData), sec)
				Expect(err).To(MatchError(want))
				for _, v := range sec {
					Expect(err.Error()).NotTo(ContainSubstring(v))
				}
			},
			Entry("a CA flag without CA", `{"uri":"ssl://b","tlsAuthWithCACert":true}`, map[string]string{},
				"tlsCACert: is required when tlsAuthWithCACert is on: the PEM certificate of the CA that signed the server's"),
			Entry("a CA that is not PEM", `{"uri":"wss://b","tlsAuthWithCACert":true}`, map[string]string{"tlsCACert": secretKeyWord},
				"tlsCACert: holds no PEM certificate"),
			Entry("a client flag without certificate", `{"uri":"tls://b","tlsAuth":true}`, map[string]string{"tlsClientKey": secretKeyWord},
				"tlsClientCert: is required when tlsAuth is on: the client's PEM certificate"),
			Entry("a client flag without key", `{"uri":"tls://b","tlsAuth":true}`, map[string]string{"tlsClientCert": "not-a-certificate-at-all"},
				"tlsClientKey: is required when tlsAuth is on: the client certificate's PEM private key"),
			Entry("a key that is not PEM", `{"uri":"tls://b","tlsAuth":true}`, map[string]string{"tlsClientCert": "not-a-certificate-at-all", "tlsClientKey": secretKeyWord},
				"tlsClientKey: tlsClientCert and tlsClientKey must be a PEM certificate and its PEM private key"),
		)

		It("refuses a client key that is not the certificate's", func() {
			other := newPKI()
			_, err := mqtt.ParseSettings([]byte(`{"uri":"tls://b","tlsAuth":true}`), map[string]string{"tlsClientCert": p.ClientCertPEM, "tlsClientKey": other.ClientKeyPEM})
			Expect(err).To(MatchError("tlsClientKey: tlsClientCert and tlsClientKey must be a PEM certificate and its PEM private key"))
			Expect(err.Error()).NotTo(ContainSubstring("PRIVATE KEY"))
		})

		It("reads the TLS settings for TLS schemes only, as grafana/mqtt-datasource does", func() {
			_, err := mqtt.ParseSettings([]byte(`{"uri":"tcp://b","tlsAuth":true,"tlsAuthWithCACert":true}`), nil)
			Expect(err).NotTo(HaveOccurred())
			_, err = mqtt.ParseSettings([]byte(`{"uri":"ws://b","tlsAuth":true}`), nil)
			Expect(err).NotTo(HaveOccurred())
		})
	})

	It("never prints a secret, whatever the verb or encoding", func() {
		p := newPKI()
		secure["tlsCACert"], secure["tlsClientCert"], secure["tlsClientKey"] = p.CAPEM, p.ClientCertPEM, p.ClientKeyPEM
		s, err := mqtt.ParseSettings([]byte(`{"uri":"ssl://b","username":"u","tlsAuth":true,"tlsAuthWithCACert":true}`), secure)
		Expect(err).NotTo(HaveOccurred())
		asJSON, err := json.Marshal(s)
		Expect(err).NotTo(HaveOccurred())
		c, err := mqtt.New(s, mqtt.Options{})
		Expect(err).NotTo(HaveOccurred())
		defer c.Close()
		for _, printed := range []string{
			s.String(), fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s %q %x", s, s, s, s, s, s),
			fmt.Sprintf("%v %+v %#v %s %q", s.Password, s.Password, s.Password, s.Password, s.Password),
			fmt.Sprint(s.TLSClientKey), string(asJSON), c.String(), fmt.Sprint(c.Settings()),
		} {
			for _, v := range secure {
				Expect(printed).NotTo(ContainSubstring(v))
			}
			Expect(printed).NotTo(ContainSubstring("PRIVATE KEY"))
			Expect(printed).NotTo(ContainSubstring(secretPassword))
		}
		Expect(s.String()).To(Equal(`mqtt{uri="ssl://b:8883" clientID="` + s.ClientID + `" protocolVersion=3.1.1 username="u" password=[redacted] tlsCACert=[redacted] tlsClientCert=[redacted] tlsClientKey=[redacted] tlsSkipVerify=false tlsAuth=true tlsAuthWithCACert=true allowedTopics=0}`))
		Expect(string(s.Password)).To(Equal(secretPassword))
	})
})

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
