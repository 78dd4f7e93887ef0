package natstest

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"

	"github.com/pulse-datasource/pulse/backend/streaming/source/internal/testserver"
	"github.com/pulse-datasource/pulse/backend/streaming/source/mqtt/mqtttest"
)

// installHint is what an error says when nats-server is missing.
const installHint = "install nats-server: apt-get install nats-server"

// readyTimeout is how long the port may take to accept, and JetStream to
// answer, after a start.
const readyTimeout = 30 * time.Second

// UserName is the user name of the user-and-password user of a server
// with [AuthUsers].
const UserName = "alice"

// Auth is how a Server authenticates its clients.
type Auth int

// The ways a Server authenticates clients.
const (
	// AuthNone accepts anonymous clients.
	AuthNone Auth = iota
	// AuthToken accepts clients that present Server.Token only.
	AuthToken
	// AuthUsers accepts two users only: UserName with Server.Password,
	// and the NKey user whose seed is Server.NKeySeed.
	AuthUsers
	// AuthOperator runs the server in operator mode (decentralised JWT
	// auth): it trusts an operator made for it, which signed a system
	// account and the account Server.Account, both preloaded in a MEMORY
	// resolver; with JetStream, the account may use it. It accepts the
	// users of that account whose .creds are Server.Creds, and refuses
	// Server.ExpiredCreds, Server.RevokedCreds and [UntrustedCreds].
	AuthOperator
)

// Config says how to configure a Server.
type Config struct {
	// Auth is how the server authenticates clients.
	Auth Auth
	// TLS makes the client port TLS only, with a certificate for
	// 127.0.0.1 signed by Server.PKI's CA; URL is then tls://.
	TLS bool
	// NoJetStream starts the server without JetStream.
	NoJetStream bool
}

// Server is a running nats-server of the specs', started by [Start]. Its
// methods may be called from any goroutine; Kill, Restart and Stop wait
// for one another.
type Server struct {
	// PKI is the CA and certificates of a server with Config.TLS; nil
	// otherwise.
	PKI *mqtttest.PKI
	// Token is the token clients present to a server with AuthToken.
	Token string
	// Password is UserName's password on a server with AuthUsers.
	Password string
	// NKeySeed is the seed ("SU…") of the NKey user of a server with
	// AuthUsers; NKeyPublic is its public key ("U…").
	NKeySeed, NKeyPublic string
	// Creds is the content of a .creds file (a user JWT and its NKey
	// seed) of a user of Account, on a server with AuthOperator: the
	// server accepts it.
	Creds string
	// ExpiredCreds is the .creds content of a user of Account whose JWT
	// expired an hour before the server started; RevokedCreds that of a
	// user whose JWT Account revoked. A server with AuthOperator refuses
	// both.
	ExpiredCreds, RevokedCreds string
	// Account is the public key ("A…") of the account of Creds's user on
	// a server with AuthOperator.
	Account string

	// userJWT and userSeed are Creds's, for the harness's connections;
	// account is Account's key, which signs the users' JWTs.
	userJWT, userSeed string
	account           nkeys.KeyPair

	config Config
	dir    string
	port   int
	proc   *testserver.Process

	mu      sync.Mutex
	stopped bool
	admin   *nats.Conn // the harness's own connection, made on first use
}

// Start writes a nats-server configuration for c into a new temporary
// directory and starts nats-server with it, returning once it accepts
// clients (and, with JetStream, answers JetStream requests). The caller
// stops it with [Server.Stop]. A missing nats-server is an error that
// says how to install it.
func Start(c Config) (*Server, error) {
	dir, err := os.MkdirTemp("", "pulse-nats-")
	if err != nil {
		return nil, fmt.Errorf("natstest: a directory for nats-server: %w", err)
	}
	s := &Server{config: c, dir: dir}
	if err := s.configure(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	s.proc, err = testserver.Start(testserver.Program{
		Harness: "natstest", Name: "nats-server", InstallHint: installHint, Kind: "server",
		Args: []string{"-c", s.confPath()}, Output: s.logPath(), Ready: s.waitReady,
	})
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

// configure picks the port, makes the credentials and writes the
// configuration, and the files it names, into s's directory.
func (s *Server) configure() error {
	port, err := testserver.FreePort()
	if err != nil {
		return fmt.Errorf("natstest: %w", err)
	}
	s.port = port
	var c strings.Builder
	fmt.Fprintf(&c, "listen: \"127.0.0.1:%d\"\nserver_name: pulse_natstest_%d\n", port, port)
	if !s.config.NoJetStream {
		fmt.Fprintf(&c, "jetstream {\n  store_dir: %q\n  max_memory_store: 67108864\n  max_file_store: 268435456\n}\n", filepath.Join(s.dir, "jetstream"))
	}
	switch s.config.Auth {
	case AuthNone:
	case AuthToken:
		s.Token = "tok-" + randomHex(16)
		fmt.Fprintf(&c, "authorization {\n  token: %q\n}\n", s.Token)
	case AuthUsers:
		s.Password = "pw-" + randomHex(16)
		user, err := nkeys.CreateUser()
		if err != nil {
			return fmt.Errorf("natstest: an NKey user: %w", err)
		}
		seed, err := user.Seed()
		if err != nil {
			return fmt.Errorf("natstest: the NKey user's seed: %w", err)
		}
		if s.NKeyPublic, err = user.PublicKey(); err != nil {
			return fmt.Errorf("natstest: the NKey user's public key: %w", err)
		}
		s.NKeySeed = string(seed)
		fmt.Fprintf(&c, "authorization {\n  users: [\n    {user: %q, password: %q}\n    {nkey: %q}\n  ]\n}\n", UserName, s.Password, s.NKeyPublic)
	case AuthOperator:
		t, err := newTrust(!s.config.NoJetStream)
		if err != nil {
			return err
		}
		s.Creds, s.ExpiredCreds, s.RevokedCreds, s.Account = t.creds, t.expiredCreds, t.revokedCreds, t.accountPublic
		s.userJWT, s.userSeed, s.account = t.userJWT, t.userSeed, t.account
		c.WriteString(t.conf())
	default:
		return fmt.Errorf("natstest: unknown Auth %d", s.config.Auth)
	}
	if s.config.TLS {
		p, err := mqtttest.NewPKI()
		if err != nil {
			return err
		}
		s.PKI = p
		certFile, keyFile := filepath.Join(s.dir, "server.pem"), filepath.Join(s.dir, "server-key.pem")
		if err := os.WriteFile(certFile, []byte(p.ServerCertPEM), 0o644); err != nil {
			return fmt.Errorf("natstest: the server's certificate: %w", err)
		}
		if err := os.WriteFile(keyFile, []byte(p.ServerKeyPEM), 0o600); err != nil {
			return fmt.Errorf("natstest: the server's key: %w", err)
		}
		fmt.Fprintf(&c, "tls {\n  cert_file: %q\n  key_file: %q\n  timeout: 5\n}\n", certFile, keyFile)
	}
	if err := os.WriteFile(s.confPath(), []byte(c.String()), 0o600); err != nil {
		return fmt.Errorf("natstest: nats-server's configuration: %w", err)
	}
	return nil
}

func (s *Server) confPath() string { return filepath.Join(s.dir, "nats-server.conf") }

func (s *Server) logPath() string { return filepath.Join(s.dir, "output.log") }

// waitReady waits until the server accepts a client connection and, with
// JetStream, answers a JetStream request; or until it exits (exit is
// closed).
func (s *Server) waitReady(exit <-chan struct{}) error {
	exited, err := testserver.Poll(exit, readyTimeout, 50*time.Millisecond, s.probe)
	if exited {
		return fmt.Errorf("natstest: nats-server exited before it was ready; its output:\n%s", s.Logs())
	}
	if err != nil {
		return fmt.Errorf("natstest: nats-server on port %d was not ready within %s (%v); its output:\n%s", s.port, readyTimeout, err, s.Logs())
	}
	return nil
}

// probe connects once and, with JetStream, asks for the account's
// JetStream information.
func (s *Server) probe() error {
	nc, err := nats.Connect(s.URL(), append(s.clientOptions(), nats.Timeout(2*time.Second), nats.MaxReconnects(0))...)
	if err != nil {
		return err
	}
	defer nc.Close()
	if s.config.NoJetStream {
		return nc.FlushTimeout(2 * time.Second)
	}
	msg, err := nc.Request("$JS.API.INFO", nil, 2*time.Second)
	if err != nil {
		return err
	}
	if strings.Contains(string(msg.Data), `"error"`) {
		return errors.New(string(msg.Data))
	}
	return nil
}

// Kill ends nats-server at once, as a crash would, and waits for it to
// exit. The directory, with the JetStream store, stays for
// [Server.Restart]. Killing a server that has exited already does
// nothing.
func (s *Server) Kill() error { return s.proc.Kill() }

// Restart starts nats-server again with the same configuration, port and
// JetStream store (streams and their messages survive), and returns once
// it is ready. A server still running is killed first, as by
// [Server.Kill]. A stopped server cannot restart.
func (s *Server) Restart() error { return s.proc.Restart() }

// Stop closes the harness's connection, ends nats-server with SIGTERM, or
// SIGKILL if it has not exited 10 seconds later, and removes the
// server's directory. Stopping a stopped server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return
	}
	s.stopped = true
	if s.admin != nil {
		s.admin.Close()
	}
	s.proc.Stop()
	_ = os.RemoveAll(s.dir)
}

// URL is the server's address: nats://127.0.0.1:<port>, or tls://… for
// a server with Config.TLS.
func (s *Server) URL() string {
	scheme := "nats"
	if s.config.TLS {
		scheme = "tls"
	}
	return scheme + "://127.0.0.1:" + strconv.Itoa(s.port)
}

// Port is the server's client port.
func (s *Server) Port() int { return s.port }

// Logs is what nats-server printed so far, for failure messages; empty
// after [Server.Stop].
func (s *Server) Logs() string {
	out, _ := os.ReadFile(s.logPath())
	return string(out)
}

// Dir is the server's directory: its configuration, TLS files, JetStream
// store and output. [Server.Stop] removes it.
func (s *Server) Dir() string { return s.dir }

// randomHex is n random bytes in hexadecimal.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails.
	return hex.EncodeToString(b)
}
