package mqtt_test

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/gomega"
)

// installHint is what the suite says when Debian's mosquitto is missing.
const installHint = "install Debian's mosquitto: apt-get install mosquitto"

// findBinary finds a mosquitto program on PATH or in Debian's places
// (/usr/sbin is not on every user's PATH).
func findBinary(name string) (string, error) {
	if path, err := exec.LookPath(name); err == nil {
		return path, nil
	}
	for _, dir := range []string{"/usr/sbin", "/usr/bin", "/usr/local/sbin"} {
		path := filepath.Join(dir, name)
		if info, err := os.Stat(path); err == nil && !info.IsDir() {
			return path, nil
		}
	}
	return "", fmt.Errorf("%s not found: %s", name, installHint)
}

// The users of the password listener.
const (
	aliceName     = "alice"
	alicePassword = "s3cret-Pa55word-of-alice"
)

// listeners says which listeners a broker opens; plain is always there.
type listeners struct {
	auth bool // user name and password (alice), with an ACL: pulse/# only
	tls  bool // TLS: tlsCert requires a client certificate, tlsServer does not
	ws   bool // websockets and websockets over TLS, on the loopback interface
}

// broker is a mosquitto process of the specs', on free loopback ports.
type broker struct {
	dir   string
	conf  string
	pki   pki
	ports map[string]int
	cmd   *exec.Cmd
	exit  chan struct{}
}

// freePort is a loopback TCP port nothing listens on now.
func freePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// newBroker writes a configuration for l into a new directory and starts
// mosquitto with it.
func newBroker(l listeners) *broker {
	dir, err := os.MkdirTemp("", "pulse-mosquitto-")
	Expect(err).NotTo(HaveOccurred())
	b := &broker{dir: dir, conf: filepath.Join(dir, "mosquitto.conf"), ports: map[string]int{"plain": freePort()}}
	var c strings.Builder
	if os.Geteuid() == 0 {
		// As root mosquitto would become the user mosquitto, who cannot
		// read this directory.
		c.WriteString("user root\n")
	}
	fmt.Fprintf(&c, "per_listener_settings true\nsys_interval 1\npersistence false\nlog_dest file %s\nlog_type all\n", filepath.Join(dir, "mosquitto.log"))
	fmt.Fprintf(&c, "\nlistener %d 127.0.0.1\nallow_anonymous true\n", b.ports["plain"])
	if l.auth {
		b.ports["auth"] = freePort()
		passwd := filepath.Join(dir, "passwd")
		tool, err := findBinary("mosquitto_passwd")
		Expect(err).NotTo(HaveOccurred())
		out, err := exec.Command(tool, "-b", "-c", passwd, aliceName, alicePassword).CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
		acl := filepath.Join(dir, "acl")
		Expect(os.WriteFile(acl, []byte("user "+aliceName+"\ntopic readwrite pulse/#\n"), 0o600)).To(Succeed())
		fmt.Fprintf(&c, "\nlistener %d 127.0.0.1\nallow_anonymous false\npassword_file %s\nacl_file %s\n", b.ports["auth"], passwd, acl)
	}
	if l.tls || l.ws {
		b.pki = makePKI(dir)
	}
	tlsFiles := fmt.Sprintf("cafile %s\ncertfile %s\nkeyfile %s\n", b.pki.caFile, b.pki.certFile, b.pki.keyFile)
	if l.tls {
		b.ports["tlsCert"], b.ports["tlsServer"] = freePort(), freePort()
		fmt.Fprintf(&c, "\nlistener %d 127.0.0.1\nallow_anonymous true\n%srequire_certificate true\n", b.ports["tlsCert"], tlsFiles)
		fmt.Fprintf(&c, "\nlistener %d 127.0.0.1\nallow_anonymous true\n%s", b.ports["tlsServer"], tlsFiles)
	}
	if l.ws {
		// Debian's mosquitto 2.0.11 binds a websockets listener to all
		// interfaces when given an address, and to the interface's when
		// given its name: "lo" keeps it on the loopback interface.
		b.ports["ws"], b.ports["wss"] = freePort(), freePort()
		fmt.Fprintf(&c, "\nlistener %d lo\nprotocol websockets\nallow_anonymous true\n", b.ports["ws"])
		fmt.Fprintf(&c, "\nlistener %d lo\nprotocol websockets\nallow_anonymous true\n%s", b.ports["wss"], tlsFiles)
	}
	Expect(os.WriteFile(b.conf, []byte(c.String()), 0o600)).To(Succeed())
	b.start()
	return b
}

// start runs mosquitto and waits until every listener accepts.
func (b *broker) start() {
	bin, err := findBinary("mosquitto")
	Expect(err).NotTo(HaveOccurred())
	out, err := os.OpenFile(filepath.Join(b.dir, "stdout.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	Expect(err).NotTo(HaveOccurred())
	defer out.Close()
	b.cmd = exec.Command(bin, "-c", b.conf)
	b.cmd.Stdout, b.cmd.Stderr = out, out
	dieWithSpecs(b.cmd)
	Expect(b.cmd.Start()).To(Succeed())
	b.exit = make(chan struct{})
	go func(cmd *exec.Cmd, exit chan struct{}) {
		_ = cmd.Wait()
		close(exit)
	}(b.cmd, b.exit)
	for name, port := range b.ports {
		Eventually(func() error {
			select {
			case <-b.exit:
				return StopTrying("mosquitto exited: " + b.logs())
			default:
			}
			c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
			if err == nil {
				c.Close()
			}
			return err
		}).WithTimeout(20*time.Second).WithPolling(20*time.Millisecond).Should(Succeed(), "mosquitto's %s listener on port %d", name, port)
	}
}

// kill ends mosquitto at once, as a crash would, and waits for its exit.
func (b *broker) kill() {
	_ = b.cmd.Process.Signal(syscall.SIGKILL)
	Eventually(b.exit).WithTimeout(20 * time.Second).Should(BeClosed())
}

// stop ends mosquitto and removes its directory.
func (b *broker) stop() {
	_ = b.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-b.exit:
	case <-time.After(10 * time.Second):
		b.kill()
	}
	_ = os.RemoveAll(b.dir)
}

// url is the address of a listener: plain, auth, tlsCert, tlsServer, ws or
// wss.
func (b *broker) url(listener string) string {
	port, ok := b.ports[listener]
	Expect(ok).To(BeTrue(), "no %s listener", listener)
	scheme := map[string]string{"plain": "tcp", "auth": "tcp", "tlsCert": "ssl", "tlsServer": "tls", "ws": "ws", "wss": "wss"}[listener]
	return fmt.Sprintf("%s://127.0.0.1:%d", scheme, port)
}

// logs is mosquitto's log, for failure messages.
func (b *broker) logs() string {
	log, _ := os.ReadFile(filepath.Join(b.dir, "mosquitto.log"))
	out, _ := os.ReadFile(filepath.Join(b.dir, "stdout.log"))
	return string(out) + string(log)
}
