package httpstream

import (
	"context"
	"fmt"
	"net/http"

	"github.com/pulse-datasource/pulse/backend/streaming/source/web"
)

// Health checks that the server can be reached with the settings: it GETs
// the base URL with the headers and credentials, and reads only the
// response's status. Any status but 401, 403 and 5xx means reachable (the
// base itself need not stream: streams open per query path); 401 and 403
// say that the server refused the credentials, 5xx that it failed; a
// connection or TLS failure is said in plain words. It waits at most
// MaxHealthWait (10 s), less when ctx ends sooner. No error quotes a
// secret or the URL's query string.
func (c *Client) Health(ctx context.Context) error {
	if c.isClosed() {
		return ErrClosed
	}
	ctx, cancel := context.WithTimeout(ctx, MaxHealthWait)
	defer cancel()
	where := web.Where(c.s.URL)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.s.URL.String(), nil)
	if err != nil {
		return fmt.Errorf("cannot make a request for %s: %w", where, err)
	}
	req.Header = c.header.Clone()
	req.Header.Set("Accept", "*/*")
	rsp, err := c.http.Do(req)
	if err != nil {
		return describe(err, where)
	}
	_ = rsp.Body.Close() // the base may be a stream itself: its body is not read
	if e := (&StatusError{Status: rsp.StatusCode, Where: web.Where(rsp.Request.URL)}); e.Refused() || rsp.StatusCode >= 500 {
		return e
	}
	msg := fmt.Sprintf("Reached %s (HTTP %d for the base itself; streams open per query path).", where, rsp.StatusCode)
	c.reached.Store(&msg)
	return nil
}

// describeHealthy is the first sentence of a healthy CheckHealth.
func (c *Client) describeHealthy() string {
	if msg := c.reached.Load(); msg != nil {
		return *msg
	}
	return fmt.Sprintf("Reached %s.", web.Where(c.s.URL))
}
