package httpstream

import (
	"time"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// DefaultIdleTimeout is jsonData.idleTimeoutSeconds' default.
const DefaultIdleTimeout = 5 * time.Minute

// MaxIdleTimeout is the largest jsonData.idleTimeoutSeconds: a day.
const MaxIdleTimeout = 24 * time.Hour

// parseIdleTimeout reads jsonData.idleTimeoutSeconds, the HTTP source's
// own setting beside the web and feed ones: how long a stream may send
// nothing before it is opened again (Options.IdleTimeout). Absent means
// DefaultIdleTimeout; 0 means no limit. The error is a
// *streaming.FieldError naming the field.
func parseIdleTimeout(jsonData []byte) (time.Duration, error) {
	f, err := streaming.ReadFields(jsonData, "settings")
	if err != nil {
		return 0, err
	}
	seconds := int64(DefaultIdleTimeout / time.Second)
	f.IntegerIn("idleTimeoutSeconds", &seconds, 0, int64(MaxIdleTimeout/time.Second))
	if err := f.Err(); err != nil {
		return 0, err
	}
	return time.Duration(seconds) * time.Second, nil
}
