package catalog

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
)

// secretFile matches base names of files that hold keys or credentials.
var secretFile = regexp.MustCompile(`^(\.env(\..*)?|.*\.(pem|key|p12|pfx|jks|keystore)|id_(rsa|dsa|ecdsa|ed25519)(\..*)?|\.npmrc|\.netrc|\.git-credentials)$`)

// secretPattern is something in a text file that looks like a credential.
type secretPattern struct {
	what string
	re   *regexp.Regexp
}

// secretPatterns are the credentials the check knows by their form. A
// finding names the kind and the line, never the text.
var secretPatterns = []secretPattern{
	{"a private key", regexp.MustCompile(`-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----`)},
	{"a Grafana Cloud access policy token (glc_)", regexp.MustCompile(`\bglc_[A-Za-z0-9+/=_-]{20,}`)},
	{"a Grafana service account token (glsa_)", regexp.MustCompile(`\bglsa_[A-Za-z0-9_]{20,}`)},
	{"a GitHub token", regexp.MustCompile(`\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})`)},
	{"an AWS access key id", regexp.MustCompile(`\bAKIA[0-9A-Z]{16}\b`)},
}

func checkNoSecrets(c *contents, _ CheckOptions) []string {
	var out []string
	for _, name := range c.names() {
		if secretFile.MatchString(path.Base(name)) {
			out = append(out, fmt.Sprintf("%s looks like a key or credentials file", name))
			continue
		}
		data, text, err := c.read(name)
		if err != nil {
			out = append(out, err.Error())
			continue
		}
		if !text {
			continue
		}
		for _, p := range secretPatterns {
			if loc := p.re.FindIndex(data); loc != nil {
				line := bytes.Count(data[:loc[0]], []byte("\n")) + 1
				out = append(out, fmt.Sprintf("%s line %d holds what looks like %s", name, line, p.what))
			}
		}
	}
	return out
}
