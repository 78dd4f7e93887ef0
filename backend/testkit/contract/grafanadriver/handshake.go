package grafanadriver

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/gorilla/websocket"
)

// isBadHandshake says whether err is centrifuge-go's report of a refused
// WebSocket upgrade. centrifuge-go formats the dial error with %v, which
// loses both gorilla's sentinel and the answer's status, so only the text
// is left to recognise it by.
func isBadHandshake(err error) bool {
	return err != nil && strings.Contains(err.Error(), websocket.ErrBadHandshake.Error())
}

// probeUpgrade asks for the WebSocket upgrade again over plain HTTP, with
// the same credentials, to learn what "bad handshake" hides: the status and
// Grafana's message (a 401 for a wrong password, say). It returns nil when
// the upgrade now succeeds.
func (d *Driver) probeUpgrade(ctx context.Context) error {
	req, err := d.request(ctx, http.MethodGet, "/api/live/ws", nil)
	if err != nil {
		return err
	}
	key := make([]byte, 16)
	_, _ = rand.Read(key)
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", "websocket")
	req.Header.Set("Sec-WebSocket-Version", "13")
	req.Header.Set("Sec-WebSocket-Key", base64.StdEncoding.EncodeToString(key))
	// An upgrade request's connection is not the API's to reuse: close it
	// with the answer rather than leave it idle in the client's pool.
	req.Close = true
	resp, err := d.http.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s (WebSocket upgrade): %w", req.URL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusSwitchingProtocols {
		return nil
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return &APIError{Method: http.MethodGet, URL: req.URL.String(), Status: resp.StatusCode, Message: grafanaMessage(body)}
}
