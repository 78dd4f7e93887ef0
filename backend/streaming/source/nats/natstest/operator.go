package natstest

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nkeys"
)

// trust is what a server with [AuthOperator] trusts, made fresh for each
// server: an operator, which signed the JWTs of the system account and of
// the account the users belong to.
type trust struct {
	operatorJWT               string
	systemPublic, systemJWT   string
	accountPublic, accountJWT string
	account                   nkeys.KeyPair // signs the users' JWTs
	// userJWT and userSeed are the user of Server.Creds, creds, as whom
	// the harness connects too; expiredCreds and revokedCreds are
	// Server.ExpiredCreds and Server.RevokedCreds.
	userJWT, userSeed                 string
	creds, expiredCreds, revokedCreds string
}

// newTrust makes an operator, a system account and the users' account,
// with JetStream enabled for the latter when jetStream is set, and the
// users of Server.Creds, Server.ExpiredCreds and Server.RevokedCreds.
func newTrust(jetStream bool) (*trust, error) {
	t := &trust{}
	operator, err := nkeys.CreateOperator()
	if err != nil {
		return nil, fmt.Errorf("natstest: an operator key: %w", err)
	}
	operatorPublic, err := operator.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("natstest: the operator's public key: %w", err)
	}
	system, err := nkeys.CreateAccount()
	if err != nil {
		return nil, fmt.Errorf("natstest: the system account's key: %w", err)
	}
	if t.systemPublic, err = system.PublicKey(); err != nil {
		return nil, fmt.Errorf("natstest: the system account's public key: %w", err)
	}
	account, err := nkeys.CreateAccount()
	if err != nil {
		return nil, fmt.Errorf("natstest: the account's key: %w", err)
	}
	t.account = account
	if t.accountPublic, err = account.PublicKey(); err != nil {
		return nil, fmt.Errorf("natstest: the account's public key: %w", err)
	}

	oc := jwt.NewOperatorClaims(operatorPublic)
	oc.Name = "pulse-natstest"
	oc.SystemAccount = t.systemPublic
	if t.operatorJWT, err = oc.Encode(operator); err != nil {
		return nil, fmt.Errorf("natstest: the operator's JWT: %w", err)
	}
	sc := jwt.NewAccountClaims(t.systemPublic)
	sc.Name = "SYS"
	if t.systemJWT, err = sc.Encode(operator); err != nil {
		return nil, fmt.Errorf("natstest: the system account's JWT: %w", err)
	}

	if t.userJWT, t.userSeed, err = issueUser(account, "pulse", time.Time{}); err != nil {
		return nil, err
	}
	if t.creds, err = credsOf(t.userJWT, t.userSeed, nil); err != nil {
		return nil, err
	}
	if t.expiredCreds, err = credsOf(issueUser(account, "expired", time.Now().Add(-time.Hour))); err != nil {
		return nil, err
	}
	revokedJWT, revokedSeed, err := issueUser(account, "revoked", time.Time{})
	if err != nil {
		return nil, err
	}
	if t.revokedCreds, err = credsOf(revokedJWT, revokedSeed, nil); err != nil {
		return nil, err
	}
	revoked, err := jwt.DecodeUserClaims(revokedJWT)
	if err != nil {
		return nil, fmt.Errorf("natstest: the revoked user's JWT: %w", err)
	}

	ac := jwt.NewAccountClaims(t.accountPublic)
	ac.Name = "PULSE"
	if jetStream {
		ac.Limits.JetStreamLimits = jwt.JetStreamLimits{MemoryStorage: jwt.NoLimit, DiskStorage: jwt.NoLimit, Streams: jwt.NoLimit, Consumer: jwt.NoLimit}
	}
	// Every JWT of the user issued up to now is revoked: its own is.
	ac.RevokeAt(revoked.Subject, time.Unix(revoked.IssuedAt, 0))
	if t.accountJWT, err = ac.Encode(operator); err != nil {
		return nil, fmt.Errorf("natstest: the account's JWT: %w", err)
	}
	return t, nil
}

// conf is the part of nats-server's configuration that puts it in
// operator mode, trusting t, with both accounts preloaded.
func (t *trust) conf() string {
	var c strings.Builder
	fmt.Fprintf(&c, "operator: %q\nsystem_account: %q\nresolver: MEMORY\nresolver_preload: {\n", t.operatorJWT, t.systemPublic)
	fmt.Fprintf(&c, "  %s: %q\n  %s: %q\n}\n", t.systemPublic, t.systemJWT, t.accountPublic, t.accountJWT)
	return c.String()
}

// issueUser makes a user key and a user JWT for it signed by account,
// expiring at expires unless that is zero, and returns the JWT and the
// user's seed.
func issueUser(account nkeys.KeyPair, name string, expires time.Time) (userJWT, seed string, err error) {
	user, err := nkeys.CreateUser()
	if err != nil {
		return "", "", fmt.Errorf("natstest: a user key: %w", err)
	}
	public, err := user.PublicKey()
	if err != nil {
		return "", "", fmt.Errorf("natstest: a user's public key: %w", err)
	}
	raw, err := user.Seed()
	if err != nil {
		return "", "", fmt.Errorf("natstest: a user's seed: %w", err)
	}
	uc := jwt.NewUserClaims(public)
	uc.Name = name
	if !expires.IsZero() {
		uc.Expires = expires.Unix()
	}
	if userJWT, err = uc.Encode(account); err != nil {
		return "", "", fmt.Errorf("natstest: a user's JWT: %w", err)
	}
	return userJWT, string(raw), nil
}

// credsOf is the content of a .creds file for userJWT and seed, or err
// when err is not nil (so that it can wrap [issueUser]).
func credsOf(userJWT, seed string, err error) (string, error) {
	if err != nil {
		return "", err
	}
	creds, err := jwt.FormatUserConfig(userJWT, []byte(seed))
	if err != nil {
		return "", fmt.Errorf("natstest: a .creds file: %w", err)
	}
	return string(creds), nil
}

// CredsExpiring is the .creds content of a new user of Account whose JWT
// expires at expires (to the second; the zero time is never): the server
// accepts it until then, and ends its connections then. It is an error on
// a server without [AuthOperator].
func (s *Server) CredsExpiring(expires time.Time) (string, error) {
	if s.account == nil {
		return "", errors.New("natstest: CredsExpiring needs a server with AuthOperator")
	}
	return credsOf(issueUser(s.account, "expiring", expires))
}

// UntrustedCreds is the content of a .creds file of a user of a new
// account that no [Server] trusts: a server with [AuthOperator] refuses
// it. Each call makes new keys.
func UntrustedCreds() (string, error) {
	account, err := nkeys.CreateAccount()
	if err != nil {
		return "", fmt.Errorf("natstest: an account key: %w", err)
	}
	return credsOf(issueUser(account, "untrusted", time.Time{}))
}
