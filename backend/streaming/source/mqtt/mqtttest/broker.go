package mqtttest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/pulse-datasource/pulse/backend/streaming/source/internal/testserver"
)

// The user of the auth listener. ACL: alice may read and write pulse/#
// and nothing else; mosquitto grants every SUBSCRIBE and filters the
// deliveries instead.
const (
	// AliceName is the user name of the auth listener's one user.
	AliceName = "alice"
	// AlicePassword is AliceName's password.
	AlicePassword = "s3cret-Pa55word-of-alice"
)

// installHint is what an error says when Debian's mosquitto is missing.
const installHint = "install Debian's mosquitto: apt-get install mosquitto"

// listenTimeout is how long each listener may take to accept after a
// start.
const listenTimeout = 20 * time.Second

// listenerNames are the listeners a broker may have, in the order it
// waits for them.
var listenerNames = []string{"plain", "auth", "tlsCert", "tlsServer", "ws", "wss"}

// schemes are the URL schemes of the listeners.
var schemes = map[string]string{"plain": "tcp", "auth": "tcp", "tlsCert": "ssl", "tlsServer": "tls", "ws": "ws", "wss": "wss"}

// Listeners says which listeners a broker opens besides the plain one
// (anonymous MQTT over TCP), which it always has. Every listener is on
// 127.0.0.1 (websockets: on the loopback interface) and a free port.
type Listeners struct {
	// Auth opens "auth": MQTT over TCP for user AliceName with
	// AlicePassword only, who may use pulse/# only.
	Auth bool
	// TLS opens "tlsCert", MQTT over TLS that requires a client
	// certificate signed by the broker's CA, and "tlsServer", MQTT over
	// TLS that does not; both anonymous.
	TLS bool
	// WS opens "ws", anonymous MQTT over websockets, and "wss", the same
	// over TLS without client certificates.
	WS bool
}

// Broker is a running mosquitto of the specs', started by [Start]. Its
// methods may be called from any goroutine; Kill, Restart and Stop wait
// for one another.
type Broker struct {
	// PKI is the broker's CA, certificates and keys; nil unless the
	// broker has a TLS or websockets listener.
	PKI *PKI

	dir   string
	conf  string
	ports map[string]int
	proc  *testserver.Process
}

// Start writes a mosquitto configuration for l into a new temporary
// directory and starts mosquitto with it, returning once every listener
// accepts connections. The caller stops it with [Broker.Stop]. A missing
// mosquitto is an error that says how to install it.
func Start(l Listeners) (*Broker, error) {
	dir, err := os.MkdirTemp("", "pulse-mosquitto-")
	if err != nil {
		return nil, fmt.Errorf("mqtttest: a directory for mosquitto: %w", err)
	}
	b := &Broker{dir: dir, conf: filepath.Join(dir, "mosquitto.conf"), ports: map[string]int{}}
	if err := b.configure(l); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	b.proc, err = testserver.Start(testserver.Program{
		Harness: "mqtttest", Name: "mosquitto", InstallHint: installHint, Kind: "broker",
		Args: []string{"-c", b.conf}, Output: filepath.Join(dir, "stdout.log"), Ready: b.waitListening,
	})
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	return b, nil
}

// configure picks the ports and writes the configuration, and the files
// it names, into b's directory.
func (b *Broker) configure(l Listeners) error {
	var err error
	port := func(name string) {
		if err == nil {
			b.ports[name], err = testserver.FreePort()
		}
	}
	port("plain")
	if l.Auth {
		port("auth")
	}
	if l.TLS {
		port("tlsCert")
		port("tlsServer")
	}
	if l.WS {
		port("ws")
		port("wss")
	}
	if err != nil {
		return fmt.Errorf("mqtttest: %w", err)
	}

	var c strings.Builder
	if os.Geteuid() == 0 {
		// As root mosquitto would become the user mosquitto, who cannot
		// read this directory.
		c.WriteString("user root\n")
	}
	fmt.Fprintf(&c, "per_listener_settings true\nsys_interval 1\npersistence false\nlog_dest file %s\nlog_type all\n", filepath.Join(b.dir, "mosquitto.log"))
	fmt.Fprintf(&c, "\nlistener %d 127.0.0.1\nallow_anonymous true\n", b.ports["plain"])
	if l.Auth {
		tool, err := testserver.FindBinary("mosquitto_passwd", installHint)
		if err != nil {
			return fmt.Errorf("mqtttest: %w", err)
		}
		passwd := filepath.Join(b.dir, "passwd")
		if out, err := exec.Command(tool, "-b", "-c", passwd, AliceName, AlicePassword).CombinedOutput(); err != nil {
			return fmt.Errorf("mqtttest: mosquitto_passwd: %w: %s", err, out)
		}
		acl := filepath.Join(b.dir, "acl")
		if err := os.WriteFile(acl, []byte("user "+AliceName+"\ntopic readwrite pulse/#\n"), 0o600); err != nil {
			return fmt.Errorf("mqtttest: mosquitto's ACL file: %w", err)
		}
		fmt.Fprintf(&c, "\nlistener %d 127.0.0.1\nallow_anonymous false\npassword_file %s\nacl_file %s\n", b.ports["auth"], passwd, acl)
	}
	if l.TLS || l.WS {
		p, err := NewPKI()
		if err != nil {
			return err
		}
		b.PKI = p
	}
	var tlsFiles string
	if b.PKI != nil {
		caFile, certFile, keyFile := filepath.Join(b.dir, "ca.pem"), filepath.Join(b.dir, "server.pem"), filepath.Join(b.dir, "server-key.pem")
		for _, f := range []struct {
			path, pem string
			mode      os.FileMode
		}{{caFile, b.PKI.CAPEM, 0o644}, {certFile, b.PKI.ServerCertPEM, 0o644}, {keyFile, b.PKI.ServerKeyPEM, 0o600}} {
			if err := os.WriteFile(f.path, []byte(f.pem), f.mode); err != nil {
				return fmt.Errorf("mqtttest: the broker's TLS files: %w", err)
			}
		}
		tlsFiles = fmt.Sprintf("cafile %s\ncertfile %s\nkeyfile %s\n", caFile, certFile, keyFile)
	}
	if l.TLS {
		fmt.Fprintf(&c, "\nlistener %d 127.0.0.1\nallow_anonymous true\n%srequire_certificate true\n", b.ports["tlsCert"], tlsFiles)
		fmt.Fprintf(&c, "\nlistener %d 127.0.0.1\nallow_anonymous true\n%s", b.ports["tlsServer"], tlsFiles)
	}
	if l.WS {
		// Debian's mosquitto 2.0.11 binds a websockets listener to all
		// interfaces when given an address, and to the interface's when
		// given its name: "lo" keeps it on the loopback interface.
		fmt.Fprintf(&c, "\nlistener %d lo\nprotocol websockets\nallow_anonymous true\n", b.ports["ws"])
		fmt.Fprintf(&c, "\nlistener %d lo\nprotocol websockets\nallow_anonymous true\n%s", b.ports["wss"], tlsFiles)
	}
	if err := os.WriteFile(b.conf, []byte(c.String()), 0o600); err != nil {
		return fmt.Errorf("mqtttest: mosquitto's configuration: %w", err)
	}
	return nil
}

// waitListening waits until every listener of b accepts a connection, or
// mosquitto exits (exit is closed).
func (b *Broker) waitListening(exit <-chan struct{}) error {
	for _, name := range listenerNames {
		port, ok := b.ports[name]
		if !ok {
			continue
		}
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		exited, err := testserver.Poll(exit, listenTimeout, 20*time.Millisecond, func() error {
			c, err := net.DialTimeout("tcp", addr, time.Second)
			if err == nil {
				c.Close()
			}
			return err
		})
		if exited {
			return fmt.Errorf("mqtttest: mosquitto exited before its %s listener on port %d accepted connections; its output and log:\n%s", name, port, b.Logs())
		}
		if err != nil {
			return fmt.Errorf("mqtttest: mosquitto's %s listener on port %d accepted no connection within %s (%v); its output and log:\n%s", name, port, listenTimeout, err, b.Logs())
		}
	}
	return nil
}

// Kill ends mosquitto at once, as a crash would, and waits for it to
// exit. The broker's directory stays, for [Broker.Restart] and
// [Broker.Logs]. Killing a broker that has exited already does nothing.
func (b *Broker) Kill() error { return b.proc.Kill() }

// Restart starts mosquitto again, with the same configuration on the
// same ports, and returns once every listener accepts connections. A
// broker still running is killed first, as by [Broker.Kill]. A stopped
// broker cannot restart.
func (b *Broker) Restart() error { return b.proc.Restart() }

// Stop ends mosquitto with SIGTERM, or SIGKILL if it has not exited 10
// seconds later, and removes the broker's directory. Stopping a stopped
// broker does nothing.
func (b *Broker) Stop() {
	b.proc.Stop()
	_ = os.RemoveAll(b.dir)
}

// URL is the address of one of the broker's listeners, such as
// tcp://127.0.0.1:40123: "plain" and "auth" (tcp://), "tlsCert" (ssl://),
// "tlsServer" (tls://), "ws" (ws://) and "wss" (wss://). It panics for a
// listener the broker does not have, as asking for one is a bug in the
// spec.
func (b *Broker) URL(listener string) string {
	port, ok := b.ports[listener]
	if !ok {
		panic(fmt.Sprintf("mqtttest: the broker has no %q listener (see Listeners)", listener))
	}
	return fmt.Sprintf("%s://127.0.0.1:%d", schemes[listener], port)
}

// Logs is what mosquitto printed and logged so far (log_type all), for
// failure messages; empty after [Broker.Stop].
func (b *Broker) Logs() string {
	log, _ := os.ReadFile(filepath.Join(b.dir, "mosquitto.log"))
	out, _ := os.ReadFile(filepath.Join(b.dir, "stdout.log"))
	return string(out) + string(log)
}

// Dir is the broker's directory: its configuration (mosquitto.conf), the
// password, ACL and TLS files it names, and its output and log. [Broker.Stop]
// removes it.
func (b *Broker) Dir() string { return b.dir }
