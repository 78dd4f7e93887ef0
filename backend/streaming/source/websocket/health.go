package websocket

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/websocket"

	"github.com/pulse-datasource/pulse/backend/streaming/source/internal/neterr"
	"github.com/pulse-datasource/pulse/backend/streaming/source/web"
)

// Health says whether the server at the data source's URL can be reached:
// it opens a WebSocket connection to the URL itself, with the headers and
// TLS settings, and closes it again. It is nil when the upgrade succeeded,
// and also when the server answered it with a success other than the
// upgrade (a web page at the base URL) or an HTTP client error other than
// 401, 403 and 407 (a 404 or 400 for a base URL that is no WebSocket
// endpoint of its own, while the paths under it are); otherwise a
// *ConnectError saying in plain words what failed: a refused connection,
// TLS, refused credentials (HTTP 401/403), a redirect, a server error. It
// waits at most MaxHealthWait (10 s), less when ctx ends sooner, and never
// quotes a secret.
func (c *Client) Health(ctx context.Context) error {
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	if closed {
		return ErrClosed
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, MaxHealthWait)
	defer cancel()
	conn, err := c.d.dial(ctx, c.base)
	if err == nil {
		_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(closeWait))
		_ = conn.Close()
		c.note.Store(nil)
		return nil
	}
	if errors.Is(err, errAborted) {
		return &ConnectError{Reason: ReasonTimeout, Message: fmt.Sprintf("timeout: no answer from the WebSocket server at %s within %s", c.d.k.addr, neterr.Round(time.Since(start))), err: err}
	}
	var ce *ConnectError
	if errors.As(err, &ce) && ce.Reason == ReasonStatus && (ce.Status >= 200 && ce.Status < 300 || ce.Status >= 400 && ce.Status < 500) {
		note := fmt.Sprintf("The URL itself answered the WebSocket upgrade with HTTP %d %s: queries name the paths under it.", ce.Status, http.StatusText(ce.Status))
		c.note.Store(&note)
		return nil
	}
	return err
}

// describe is the first sentences of a healthy CheckHealth.
func (c *Client) describe() string {
	msg := fmt.Sprintf("Reached the WebSocket server at %s.", web.Where(c.base))
	if note := c.note.Load(); note != nil {
		msg += " " + *note
	}
	return msg
}
