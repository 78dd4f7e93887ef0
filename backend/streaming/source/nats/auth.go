package nats

import (
	"regexp"
	"strings"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source/conf"
)

// AuthType is how a data source authenticates to NATS: jsonData.authType.
type AuthType string

// The auth types.
const (
	// AuthNone connects anonymously, the default.
	AuthNone AuthType = "none"
	// AuthToken presents secureJsonData.token.
	AuthToken AuthType = "token"
	// AuthUserPassword presents jsonData.username with
	// secureJsonData.password.
	AuthUserPassword AuthType = "userPassword"
	// AuthNKey signs the server's challenge with the NKey user seed in
	// secureJsonData.nkeySeed.
	AuthNKey AuthType = "nkey"
	// AuthCredentials presents the user JWT of secureJsonData.credentials
	// (a .creds file's content) and signs with its seed.
	AuthCredentials AuthType = "credentials"
)

// Auth is the auth type, AuthNone when unset.
func (s Settings) Auth() AuthType {
	if s.AuthType == "" {
		return AuthNone
	}
	return s.AuthType
}

// jwtShape is a JWT: three base64url parts separated by dots.
var jwtShape = regexp.MustCompile(`^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$`)

// authOptions are the nats.go options that authenticate as the settings
// say, or a *streaming.FieldError naming the setting that is missing or
// malformed. No error quotes a secret, nor says anything of its value
// beyond its kind.
func (s Settings) authOptions() ([]nats.Option, error) {
	for _, secret := range []struct {
		name  string
		value conf.Secret
	}{{"password", s.Password}, {"token", s.Token}, {"nkeySeed", s.NKeySeed}, {"credentials", s.Credentials}} {
		if len(secret.value) > MaxSecretBytes {
			return nil, streaming.OutOfBounds(secret.name, "must be at most %d bytes", MaxSecretBytes)
		}
	}
	switch s.Auth() {
	case AuthNone:
		return nil, nil
	case AuthToken:
		if strings.TrimSpace(string(s.Token)) == "" {
			return nil, streaming.Malformed("token", "is required when authType is %q", AuthToken)
		}
		return []nats.Option{nats.Token(string(s.Token))}, nil
	case AuthUserPassword:
		switch {
		case s.Username == "":
			return nil, streaming.Malformed("username", "is required when authType is %q", AuthUserPassword)
		case len(s.Username) > MaxSecretBytes:
			return nil, streaming.OutOfBounds("username", "must be at most %d bytes", MaxSecretBytes)
		case s.Password == "":
			return nil, streaming.Malformed("password", "is required when authType is %q", AuthUserPassword)
		}
		return []nats.Option{nats.UserInfo(s.Username, string(s.Password))}, nil
	case AuthNKey:
		seed := strings.TrimSpace(string(s.NKeySeed))
		if seed == "" {
			return nil, streaming.Malformed("nkeySeed", "is required when authType is %q: an NKey user seed, starting with SU", AuthNKey)
		}
		kp, err := nkeys.FromSeed([]byte(seed))
		if err != nil || !strings.HasPrefix(seed, "SU") {
			return nil, streaming.Malformed("nkeySeed", "must be an NKey user seed: one line starting with SU")
		}
		public, err := kp.PublicKey()
		kp.Wipe()
		if err != nil {
			return nil, streaming.Malformed("nkeySeed", "must be an NKey user seed: one line starting with SU")
		}
		return []nats.Option{nats.Nkey(public, func(nonce []byte) ([]byte, error) {
			kp, err := nkeys.FromSeed([]byte(seed))
			if err != nil {
				return nil, err
			}
			defer kp.Wipe()
			return kp.Sign(nonce)
		})}, nil
	case AuthCredentials:
		content := []byte(string(s.Credentials))
		if strings.TrimSpace(string(content)) == "" {
			return nil, streaming.Malformed("credentials", "is required when authType is %q: the content of a .creds file", AuthCredentials)
		}
		const want = "must be the content of a .creds file: a user JWT and its NKey user seed, each between its BEGIN and END lines"
		jwt, err := nkeys.ParseDecoratedJWT(content)
		if err != nil || !jwtShape.MatchString(jwt) {
			return nil, streaming.Malformed("credentials", "%s", want)
		}
		kp, err := nkeys.ParseDecoratedUserNKey(content)
		if err != nil {
			return nil, streaming.Malformed("credentials", "%s", want)
		}
		raw, err := kp.Seed()
		seed := string(raw) // a copy: Wipe overwrites raw
		kp.Wipe()
		if err != nil {
			return nil, streaming.Malformed("credentials", "%s", want)
		}
		return []nats.Option{nats.UserJWTAndSeed(jwt, seed)}, nil
	}
	return nil, streaming.Malformed("authType", `must be "none", "token", "userPassword", "nkey" or "credentials", got %s`, streaming.Excerpt(string(s.AuthType)))
}

// secrets are the settings' secret values, for the check that no message
// quotes one.
func (s Settings) secrets() []conf.Secret {
	return append([]conf.Secret{s.Password, s.Token, s.NKeySeed, s.Credentials}, s.TLS.Secrets()...)
}
