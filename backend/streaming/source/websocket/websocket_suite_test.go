package websocket_test

import (
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/source/feed/feedtest"
	"github.com/pulse-datasource/pulse/backend/streaming/source/websocket"
)

func TestWebSocket(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "WebSocket source")
}

// fastOptions reconnect quickly, for specs; keep-alive stays at its
// defaults unless a spec shortens it.
var fastOptions = websocket.Options{MinBackoff: 20 * time.Millisecond, MaxBackoff: 500 * time.Millisecond, HandshakeTimeout: 5 * time.Second, Logger: feedtest.Logger{}}
