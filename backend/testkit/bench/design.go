package bench

import (
	"fmt"
	"strings"

	"github.com/pulse-datasource/pulse/backend/streaming/source/signals"
)

// Design names one of the stream handlers the reference plugin serves. A
// reference plugin path is the design, a slash, then a Pulse channel path:
// "tutorial/v1/sine/s=1".
type Design string

// The designs the throughput comparison runs side by side.
const (
	// DesignPulse is Pulse's pump on a VirtualClock.
	DesignPulse Design = "pulse"
	// DesignTutorial is the tutorial loop: one frame with its schema per
	// point.
	DesignTutorial Design = "tutorial"
	// DesignSDKLimit only encodes pre-built frames of Pulse's shape and sends
	// them: what the SDK allows when building frames costs nothing.
	DesignSDKLimit Design = "sdk"
)

// Designs lists the designs in the order the report shows them.
var Designs = []Design{DesignPulse, DesignSDKLimit, DesignTutorial}

// Title is the design's name in the report.
func (d Design) Title() string {
	switch d {
	case DesignPulse:
		return "Pulse"
	case DesignTutorial:
		return "tutorial loop"
	case DesignSDKLimit:
		return "SDK limit"
	}
	return string(d)
}

// Path is the reference plugin's channel path that runs q with design d.
func (d Design) Path(q signals.Query) string { return string(d) + "/" + q.Path() }

// ParseDesignPath splits a reference plugin path into its design and query.
func ParseDesignPath(path string) (Design, signals.Query, error) {
	first, rest, _ := strings.Cut(path, "/")
	d := Design(first)
	switch d {
	case DesignPulse, DesignTutorial, DesignSDKLimit:
	default:
		return "", signals.Query{}, fmt.Errorf("path %q does not start with a design (%v)", path, Designs)
	}
	q, err := signals.ParsePath(rest)
	if err != nil {
		return "", signals.Query{}, err
	}
	return d, q, nil
}
