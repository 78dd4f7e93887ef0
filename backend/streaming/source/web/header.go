package web

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// MaxHeaders is how many headers (httpHeaderName1…) a data source may set.
const MaxHeaders = 100

// reservedHeaders are the headers the HTTP client or the WebSocket
// handshake sets itself, which a data source may not set (in canonical
// form).
var reservedHeaders = map[string]bool{
	"Host": true, "Content-Length": true, "Transfer-Encoding": true, "Connection": true, "Upgrade": true,
	"Te": true, "Trailer": true, "Keep-Alive": true, "Proxy-Connection": true,
}

// readHeaderNames reads httpHeaderName1, httpHeaderName2, … until one is
// missing or empty; f keeps the error of one that is not a string, and of
// more than MaxHeaders.
func readHeaderNames(f *streaming.Fields) []string {
	var names []string
	for i := 1; ; i++ {
		var name string
		field := fmt.Sprintf("httpHeaderName%d", i)
		f.String(field, &name)
		if f.Err() != nil || strings.TrimSpace(name) == "" {
			return names
		}
		if i > MaxHeaders {
			// Reported by checkHeaders, which knows the count.
			return append(names, name)
		}
		names = append(names, strings.TrimSpace(name))
	}
}

// checkHeaders checks the headers and the credentials: header names are
// HTTP tokens and not one the client sets itself, values hold no CR, LF or
// NUL, and one Authorization at most comes from the headers, basic
// authentication or the bearer token. Errors never quote a value.
func checkHeaders(s Settings) error {
	if len(s.Headers) > MaxHeaders {
		return streaming.OutOfBounds(fmt.Sprintf("httpHeaderName%d", MaxHeaders+1), "at most %d headers may be set", MaxHeaders)
	}
	authorization := 0
	for i, h := range s.Headers {
		field := fmt.Sprintf("httpHeaderName%d", i+1)
		if !isToken(h.Name) {
			return streaming.Malformed(field, "must be a header name (letters, digits and !#$%%&'*+-.^_`|~), got %s", streaming.Excerpt(h.Name))
		}
		canonical := http.CanonicalHeaderKey(h.Name)
		if reservedHeaders[canonical] || strings.HasPrefix(canonical, "Sec-Websocket-") {
			return streaming.Malformed(field, "names %s, which the client sets itself", canonical)
		}
		if strings.ContainsAny(string(h.Value), "\r\n\x00") {
			return streaming.Malformed(fmt.Sprintf("httpHeaderValue%d", i+1), "must not contain a line break or NUL (the value of header %s)", canonical)
		}
		if canonical == "Authorization" {
			authorization++
		}
	}
	if strings.ContainsAny(s.BasicAuthUser, ":\r\n\x00") {
		return streaming.Malformed("basicAuthUser", "must not contain a colon, a line break or NUL")
	}
	if s.BasicAuthPassword != "" && s.BasicAuthUser == "" {
		return streaming.Malformed("basicAuthUser", "is required when basicAuthPassword is set")
	}
	if strings.ContainsAny(string(s.BasicAuthPassword), "\r\n\x00") {
		return streaming.Malformed("basicAuthPassword", "must not contain a line break or NUL")
	}
	if t := string(s.BearerToken); t != "" && (strings.TrimSpace(t) != t || strings.ContainsAny(t, " \t\r\n\x00")) {
		return streaming.Malformed("bearerToken", "must be one token, without spaces, line breaks or NUL")
	}
	if s.BasicAuthUser != "" && s.BearerToken != "" {
		return streaming.Malformed("bearerToken", "and basicAuthUser exclude each other: both would set the Authorization header")
	}
	if s.BasicAuthUser != "" || s.BearerToken != "" {
		authorization++
	}
	if authorization > 1 {
		return streaming.Malformed("httpHeaderName", "sets Authorization more than once: use one of an Authorization header, basicAuthUser or bearerToken")
	}
	return nil
}

// isToken reports whether s is an HTTP token (RFC 9110), as a header name
// must be.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

// Header is the headers every request of the data source carries: the
// configured ones, and Authorization for basic authentication or a bearer
// token. The result is the caller's to change.
func (s Settings) Header() http.Header {
	h := http.Header{}
	for _, x := range s.Headers {
		h.Add(x.Name, string(x.Value))
	}
	switch {
	case s.BasicAuthUser != "":
		h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(s.BasicAuthUser+":"+string(s.BasicAuthPassword))))
	case s.BearerToken != "":
		h.Set("Authorization", "Bearer "+string(s.BearerToken))
	}
	return h
}
