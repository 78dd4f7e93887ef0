package nats

import (
	"errors"
	"fmt"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// ErrClosed is Subscribe's and Health's error once the Client is closed.
var ErrClosed = errors.New("nats: the client is closed")

// ErrNotAllowed marks a subject that the data source's allowedTopics does
// not cover. It wraps streaming.ErrOutOfBounds.
var ErrNotAllowed = fmt.Errorf("not in allowedTopics: %w", streaming.ErrOutOfBounds)

// ErrNotConnected marks a subscription, or a read of stored messages
// (Client.Stored), that needed the server (to look up the JetStream stream
// of its subject) while the connection was down.
var ErrNotConnected = errors.New("not connected to NATS")
