package signals

import (
	"fmt"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// Kind names the shape of a signal.
type Kind string

// The signal kinds a query can ask for.
const (
	KindRandomWalk Kind = "randomWalk"
	KindSine       Kind = "sine"
	KindSquare     Kind = "square"
	KindSawtooth   Kind = "sawtooth"
	KindCounter    Kind = "counter"
)

// Kinds lists every kind in the order editors offer them.
var Kinds = []Kind{KindRandomWalk, KindSine, KindSquare, KindSawtooth, KindCounter}

// ParseKind returns the kind named s, or an error listing the known kinds.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if string(k) == s {
			return k, nil
		}
	}
	return "", fmt.Errorf("unknown kind %s: use one of %v", streaming.Excerpt(s), Kinds)
}

// Periodic reports whether the kind repeats every periodMs.
func (k Kind) Periodic() bool {
	return k == KindSine || k == KindSquare || k == KindSawtooth
}
