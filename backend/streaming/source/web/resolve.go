package web

import (
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// MaxPathBytes bounds a query's path, its query string included.
const MaxPathBytes = 2048

// Resolve is the URL a query's path names under the data source's URL,
// which its administrator set. The result keeps the base's scheme, host
// and port, and its path is under the base's path: path is appended to it
// as if the base's path ended with a slash ("events" and "/events" under
// https://h/api are both https://h/api/events). An empty path is the base
// itself. path's query string, after a "?", is appended to the base's
// query parameters, which stay.
//
// These rules keep a viewer's query within the data source; whatever
// breaks one is refused with a *streaming.FieldError for the field "path"
// that wraps streaming.ErrMalformed (a path that leaves the base is not a
// target of this data source at all) and quotes at most
// streaming.MaxExcerpt bytes of the path:
//
//   - "." and ".." segments are resolved, and a ".." may not climb above
//     the base's path. The result has no dot segments left, so no server
//     can climb with it;
//   - what would name another place or read differently on a server: an
//     absolute URL (any scheme: "http:", "mailto:"; write "./a:b" for a
//     first segment with a colon), a host ("//other.host"), a user ("@",
//     also "%40", in the path), a backslash, an encoded slash or backslash
//     ("%2F", "%5C"), an encoded dot segment ("%2e%2e", ".%2E", also
//     encoded twice) and a dot segment with parameters ("..;x");
//   - what cannot be read: a fragment ("#"), control characters and NUL
//     (raw, or encoded in the path), a "%" not followed by two hex digits,
//     bytes that are not UTF-8;
//   - a path is at most MaxPathBytes (2048) bytes.
//
// Characters a URL cannot hold as they are (spaces, non-ASCII letters) are
// percent-encoded. The error names the field "url" instead when the
// settings' URL is not an absolute http, https, ws or wss URL with a host.
func (s Settings) Resolve(path string) (*url.URL, error) {
	return resolve(s.URL, path)
}

// resolve is Resolve under base.
func resolve(base *url.URL, path string) (*url.URL, error) {
	if err := checkBase(base); err != nil {
		return nil, err
	}
	if len(path) > MaxPathBytes {
		return nil, streaming.Malformed("path", "is %d bytes, more than %d: %s", len(path), MaxPathBytes, streaming.Excerpt(path))
	}
	if err := checkChars(path); err != nil {
		return nil, err
	}
	rawPath, rawQuery, _ := strings.Cut(path, "?")
	if strings.HasPrefix(rawPath, "//") {
		return nil, refuse(path, "must not name a host (//…)")
	}
	if hasScheme(rawPath) {
		return nil, refuse(path, "must be a path under the data source's URL, not an absolute URL")
	}
	if strings.Contains(rawPath, "@") {
		return nil, refuse(path, "must not contain @, which can pass for a user in a URL")
	}
	if !validEscapes(path) {
		return nil, streaming.Malformed("path", "has a %% not followed by two hex digits: %s", streaming.Excerpt(path))
	}
	segments, err := resolveSegments(path, rawPath)
	if err != nil {
		return nil, err
	}

	u := *base
	u.Fragment, u.RawFragment, u.ForceQuery = "", "", false
	if rawPath != "" {
		escaped := strings.TrimSuffix(base.EscapedPath(), "/") + "/" + strings.Join(segments, "/")
		decoded, err := url.PathUnescape(escaped)
		if err != nil { // cannot happen: every escape was checked
			return nil, streaming.Malformed("path", "cannot be decoded: %s", streaming.Excerpt(path))
		}
		u.Path, u.RawPath = decoded, escaped
		if (&url.URL{Path: decoded}).EscapedPath() == escaped {
			u.RawPath = ""
		}
	}
	if q := escape(rawQuery, queryChar); q != "" {
		if u.RawQuery != "" {
			u.RawQuery += "&" + q
		} else {
			u.RawQuery = q
		}
	}
	return &u, nil
}

// checkBase checks the data source's URL.
func checkBase(base *url.URL) error {
	switch {
	case base == nil:
		return streaming.Malformed("url", "is missing")
	case !knownScheme(base.Scheme):
		return streaming.Malformed("url", "must be an http, https, ws or wss URL, got %s", streaming.Excerpt(base.Redacted()))
	case base.Host == "" || base.Opaque != "":
		return streaming.Malformed("url", "must name a host, got %s", streaming.Excerpt(base.Redacted()))
	}
	return nil
}

// refuse is the error for a path that would leave the data source's URL.
func refuse(path, reason string) error {
	return streaming.Malformed("path", "%s: %s", reason, streaming.Excerpt(path))
}

// checkChars refuses control characters, NUL, fragments, backslashes and
// bytes that are not UTF-8.
func checkChars(path string) error {
	for i := 0; i < len(path); i++ {
		switch c := path[i]; {
		case c < 0x20 || c == 0x7F:
			return streaming.Malformed("path", "must not contain control characters (byte 0x%02X at %d): %s", c, i, streaming.Excerpt(path))
		case c == '#':
			return streaming.Malformed("path", "must not have a fragment (#): %s", streaming.Excerpt(path))
		case c == '\\':
			return refuse(path, "must not contain a backslash, which some servers read as /")
		}
	}
	if !utf8.ValidString(path) {
		return streaming.Malformed("path", "is not UTF-8: %s", streaming.Excerpt(path))
	}
	return nil
}

// hasScheme reports whether p starts with a URL scheme and its colon.
func hasScheme(p string) bool {
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return true
		default:
			return false
		}
	}
	return false
}

// validEscapes reports whether every "%" of s starts an escape, "%XY" in
// hex.
func validEscapes(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '%' {
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return false
			}
			i += 2
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// resolveSegments checks the segments of rawPath and resolves its dot
// segments: the result, escaped, has none, and never climbs above its
// start.
func resolveSegments(path, rawPath string) ([]string, error) {
	parts := strings.Split(strings.TrimPrefix(rawPath, "/"), "/")
	out := make([]string, 0, len(parts))
	for i, seg := range parts {
		decoded, _ := url.PathUnescape(seg) // the escapes were checked
		for j := 0; j < len(decoded); j++ {
			switch c := decoded[j]; {
			case c < 0x20 || c == 0x7F:
				return nil, streaming.Malformed("path", "must not contain control characters, encoded or not (0x%02X): %s", c, streaming.Excerpt(path))
			case c == '/' || c == '\\':
				return nil, refuse(path, "must not contain an encoded slash or backslash (%2F, %5C)")
			case c == '@':
				return nil, refuse(path, "must not contain @, encoded or not, which can pass for a user in a URL")
			}
		}
		name, _, params := strings.Cut(seg, ";")
		dot := name == "." || name == ".."
		if dot && params {
			return nil, refuse(path, "must not have a dot segment with parameters (..;)")
		}
		if !dot && isDot(name) {
			return nil, refuse(path, "must not contain an encoded dot segment (%2e)")
		}
		switch name {
		case ".":
		case "..":
			if len(out) == 0 {
				return nil, refuse(path, "must stay under the data source's URL, but .. climbs above it")
			}
			out = out[:len(out)-1]
		default:
			out = append(out, escape(seg, pathChar))
			continue
		}
		if i == len(parts)-1 {
			out = append(out, "") // "a/." is "a/"
		}
	}
	return out, nil
}

// isDot reports whether s decodes, once or more, to "." or "..".
func isDot(s string) bool {
	for range 4 {
		if s == "." || s == ".." {
			return true
		}
		d, err := url.PathUnescape(s)
		if err != nil || d == s {
			return false
		}
		s = d
	}
	return s == "." || s == ".."
}

// pathChar reports whether a path segment may hold c as it is (RFC 3986
// pchar, and "%" of the escapes, which were checked).
func pathChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		strings.IndexByte("-._~!$&'()*+,;=:@%", c) >= 0
}

// queryChar reports whether a query may hold c as it is.
func queryChar(c byte) bool { return pathChar(c) || c == '/' || c == '?' }

// escape percent-encodes the bytes of s that keep does not allow.
func escape(s string, keep func(byte) bool) string {
	const hex = "0123456789ABCDEF"
	var b []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if keep(c) {
			if b != nil {
				b = append(b, c)
			}
			continue
		}
		if b == nil {
			b = append(make([]byte, 0, len(s)+8), s[:i]...)
		}
		b = append(b, '%', hex[c>>4], hex[c&15])
	}
	if b == nil {
		return s
	}
	return string(b)
}
