package neterr

import (
	"strings"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source/conf"
)

// Detail is err's text for a message, withheld when it would show one of
// the secrets of at least four bytes (no library is known to put one
// there: this is a second line of defence), and cut to an excerpt.
func Detail(err error, secrets []conf.Secret) string {
	text := err.Error()
	for _, secret := range secrets {
		if len(secret) >= 4 && strings.Contains(text, string(secret)) {
			return "(details withheld: they held a secret)"
		}
	}
	return streaming.Excerpt(text)
}
