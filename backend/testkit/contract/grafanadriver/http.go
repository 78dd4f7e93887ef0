package grafanadriver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"
)

// APIError is an answer of Grafana's HTTP API that is not the one asked
// for: a wrong password, an unknown data source, a server error.
type APIError struct {
	// Method and URL name the request.
	Method, URL string
	// Status is the HTTP status Grafana answered with.
	Status int
	// Message is Grafana's "message" field, or the start of the body when
	// the body has none.
	Message string
}

// Error says what was asked, what Grafana answered, and its message.
func (e *APIError) Error() string {
	msg := fmt.Sprintf("%s %s: Grafana answered %d %s", e.Method, e.URL, e.Status, http.StatusText(e.Status))
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

// answer is one read HTTP answer.
type answer struct {
	method, url string
	status      int
	body        []byte
}

// apiError is a as an *APIError.
func (a answer) apiError() *APIError {
	return &APIError{Method: a.method, URL: a.url, Status: a.status, Message: grafanaMessage(a.body)}
}

// errorf is an error about a that names the request, for an answer that
// has the expected status but cannot be read. It wraps as fmt.Errorf does.
func (a answer) errorf(format string, args ...any) error {
	return fmt.Errorf("%s %s: "+format, append([]any{a.method, a.url}, args...)...)
}

// call sends one request to Grafana's API at path (which starts with /)
// and reads the whole answer. Only a request that got no answer is an
// error; the caller judges the status.
func (d *Driver) call(ctx context.Context, method, path string, body []byte) (answer, error) {
	req, err := d.request(ctx, method, path, body)
	if err != nil {
		return answer{}, err
	}
	a := answer{method: method, url: req.URL.String()}
	resp, err := d.http.Do(req)
	if err != nil {
		return a, fmt.Errorf("%s %s: %w", method, a.url, err)
	}
	defer resp.Body.Close()
	a.status = resp.StatusCode
	if a.body, err = io.ReadAll(resp.Body); err != nil {
		return a, fmt.Errorf("%s %s: reading the %d answer: %w", method, a.url, a.status, err)
	}
	return a, nil
}

// request is a request to Grafana's API with the driver's credentials.
func (d *Driver) request(ctx context.Context, method, path string, body []byte) (*http.Request, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, d.base+path, r)
	if err != nil {
		return nil, fmt.Errorf("grafanadriver: building %s %s: %w", method, d.base+path, err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if d.auth != "" {
		req.Header.Set("Authorization", d.auth)
	}
	return req, nil
}

// maxMessage bounds the part of a non-JSON body an error quotes: enough to
// recognise a proxy's error page, not a whole page in a test log.
const maxMessage = 200

// grafanaMessage is what an error should quote of a Grafana answer: its
// "message" field, which Grafana's API errors carry, or else the start of
// the body.
func grafanaMessage(body []byte) string {
	var fields struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &fields) == nil && fields.Message != "" {
		return fields.Message
	}
	return snippet(body)
}

// snippet is the start of b as text, for an error message.
func snippet(b []byte) string {
	text := strings.TrimSpace(string(b))
	if len(text) > maxMessage {
		cut := maxMessage
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut] + "…"
	}
	return text
}
