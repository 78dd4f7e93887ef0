package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"
)

// natsServer is a nats-server process of a spec's own (Debian's
// nats-server package), on a loopback port, with JetStream storing in a
// directory of the spec's unless it was started without.
type natsServer struct {
	port      int
	jetStream bool
	store     string // JetStream's directory: a restart may take a fresh one
	session   *gexec.Session
}

// natsServerPath is where Debian installs nats-server.
const natsServerPath = "/usr/sbin/nats-server"

// startNATS starts a nats-server, with JetStream when jetStream is true; it
// is killed when the spec ends.
func startNATS(jetStream bool) *natsServer {
	GinkgoHelper()
	s := &natsServer{port: freePort(), jetStream: jetStream}
	s.start(true)
	DeferCleanup(s.kill)
	return s
}

// URL is the server's address for clients.
func (s *natsServer) URL() string { return fmt.Sprintf("nats://127.0.0.1:%d", s.port) }

// start runs the server on its port, storing in a fresh directory when
// fresh is true (a server that lost its streams), or in the last one.
func (s *natsServer) start(fresh bool) {
	GinkgoHelper()
	path := natsServerPath
	if _, err := os.Stat(path); err != nil {
		if path, err = exec.LookPath("nats-server"); err != nil {
			Fail("these specs need nats-server: apt-get install -y nats-server")
		}
	}
	if fresh || s.store == "" {
		s.store = GinkgoT().TempDir()
	}
	args := []string{"-a", "127.0.0.1", "-p", fmt.Sprint(s.port), "-n", fmt.Sprintf("demofeed-spec-%d", s.port)}
	if s.jetStream {
		args = append(args, "-js", "-sd", s.store)
	}
	cmd := exec.Command(path, args...)
	dieWithParent(cmd)
	session, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
	Expect(err).NotTo(HaveOccurred())
	s.session = session
	Eventually(session.Err).WithTimeout(30*time.Second).Should(gbytes.Say("Server is ready"), "nats-server did not start")
}

// kill stops the server at once, as a crash would.
func (s *natsServer) kill() {
	if s.session != nil {
		s.session.Kill().Wait(10 * time.Second)
		s.session = nil
	}
}

// restart kills the server and starts it again on the same port, with a
// fresh store when fresh is true.
func (s *natsServer) restart(fresh bool) {
	GinkgoHelper()
	s.kill()
	s.start(fresh)
}

// freePort is a loopback TCP port nothing listens on now.
func freePort() int {
	GinkgoHelper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
