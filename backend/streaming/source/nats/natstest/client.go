package natstest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// requestTimeout bounds the harness's requests; PublishStored retries
// within retryTimeout, across a restart.
const (
	requestTimeout = 10 * time.Second
	retryTimeout   = 30 * time.Second
)

// clientOptions authenticate the harness's connections: as UserName on a
// server with AuthUsers, with the token on one with AuthToken, as Creds's
// user on one with AuthOperator, trusting the PKI's CA on one with TLS.
func (s *Server) clientOptions() []nats.Option {
	opts := []nats.Option{nats.Name("pulse-natstest")}
	switch s.config.Auth {
	case AuthToken:
		opts = append(opts, nats.Token(s.Token))
	case AuthUsers:
		opts = append(opts, nats.UserInfo(UserName, s.Password))
	case AuthOperator:
		opts = append(opts, nats.UserJWTAndSeed(s.userJWT, s.userSeed))
	}
	if s.PKI != nil {
		roots := x509.NewCertPool()
		roots.AppendCertsFromPEM([]byte(s.PKI.CAPEM))
		opts = append(opts, nats.Secure(&tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}))
	}
	return opts
}

// Connect opens a new connection to the server with the harness's
// credentials and extra options; it reconnects by itself. The caller
// closes it.
func (s *Server) Connect(extra ...nats.Option) (*nats.Conn, error) {
	opts := append(s.clientOptions(), nats.MaxReconnects(-1), nats.ReconnectWait(100*time.Millisecond), nats.Timeout(5*time.Second))
	nc, err := nats.Connect(s.URL(), append(opts, extra...)...)
	if err != nil {
		return nil, fmt.Errorf("natstest: connecting to %s: %w", s.URL(), err)
	}
	return nc, nil
}

// conn is the harness's own connection, made on first use.
func (s *Server) conn() (*nats.Conn, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return nil, errors.New("natstest: the server was stopped")
	}
	if s.admin == nil {
		nc, err := s.Connect(nats.RetryOnFailedConnect(true))
		if err != nil {
			return nil, err
		}
		s.admin = nc
	}
	return s.admin, nil
}

// CreateStream creates a JetStream stream stored in files, keeping the
// messages of subjects (NATS subject patterns).
func (s *Server) CreateStream(name string, subjects ...string) error {
	nc, err := s.conn()
	if err != nil {
		return err
	}
	js, err := jetstream.New(nc)
	if err != nil {
		return fmt.Errorf("natstest: JetStream: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	defer cancel()
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: name, Subjects: subjects, Storage: jetstream.FileStorage}); err != nil {
		return fmt.Errorf("natstest: creating stream %s for %v: %w", name, subjects, err)
	}
	return nil
}

// Publish publishes one message with core NATS and returns once the
// server has read it (a flush).
func (s *Server) Publish(subject string, payload []byte) error {
	nc, err := s.conn()
	if err != nil {
		return err
	}
	if err := nc.Publish(subject, payload); err != nil {
		return fmt.Errorf("natstest: publishing to %s: %w", subject, err)
	}
	if err := nc.FlushTimeout(requestTimeout); err != nil {
		return fmt.Errorf("natstest: publishing to %s: %w", subject, err)
	}
	return nil
}

// PublishStored publishes one message to the stream that stores subject
// and returns once JetStream has stored it. id is the message's
// Nats-Msg-Id: retries, for up to 30 s and across a restart of the
// server, never store it twice.
func (s *Server) PublishStored(subject string, payload []byte, id string) error {
	nc, err := s.conn()
	if err != nil {
		return err
	}
	js, err := jetstream.New(nc)
	if err != nil {
		return fmt.Errorf("natstest: JetStream: %w", err)
	}
	deadline := time.Now().Add(retryTimeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_, err := js.Publish(ctx, subject, payload, jetstream.WithMsgID(id))
		cancel()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("natstest: storing a message on %s: %w", subject, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
