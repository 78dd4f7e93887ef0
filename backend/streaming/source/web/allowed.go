package web

import (
	"fmt"
	"strings"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// MaxAllowedTopics is how many entries allowedTopics may list.
const MaxAllowedTopics = 1000

// ErrNotAllowed marks a path that the data source's allowedTopics does not
// cover. It wraps streaming.ErrOutOfBounds, not streaming.ErrMalformed: the
// path is one the data source could serve, but its settings refuse it.
var ErrNotAllowed = fmt.Errorf("not in allowedTopics: %w", streaming.ErrOutOfBounds)

// CheckPath checks that a query may name path: Resolve accepts it, and
// allowedTopics covers it. An empty allowedTopics allows any path. An
// entry covers a path when it equals the path's form relative to the base,
// or, when the entry ends with "*", when it is a prefix of that form
// without the "*" (so "*" alone covers every path).
//
// The relative form is the resolved URL's path after the base's path,
// escaped as it is sent, followed by "?" and the query string the path
// added, if any: "events/../live?x=1" under https://h/api reads
// "live?x=1". A leading slash is optional, in the form and in entries
// alike. Dot segments are resolved first, so "public/*" does not cover
// "public/../admin".
//
// The error is Resolve's (wrapping streaming.ErrMalformed), or a
// *streaming.FieldError for "path" wrapping ErrNotAllowed.
func (s Settings) CheckPath(path string) error {
	u, err := s.Resolve(path)
	if err != nil {
		return err
	}
	if len(s.AllowedTopics) == 0 {
		return nil
	}
	rel := relative(s.URL.EscapedPath(), s.URL.RawQuery, u.EscapedPath(), u.RawQuery)
	for _, entry := range s.AllowedTopics {
		entry = strings.TrimPrefix(entry, "/")
		if prefix, wild := strings.CutSuffix(entry, "*"); wild && strings.HasPrefix(rel, prefix) || rel == entry {
			return nil
		}
	}
	return &streaming.FieldError{Field: "path", Kind: ErrNotAllowed, Reason: fmt.Sprintf(
		"%s (read as %s) is not among the paths this data source allows (its allowedTopics)", streaming.Excerpt(path), streaming.Excerpt(rel))}
}

// relative is the form CheckPath compares: the escaped path after the
// base's path, without a leading slash, and the query the path added.
func relative(basePath, baseQuery, fullPath, fullQuery string) string {
	rel := strings.TrimPrefix(strings.TrimPrefix(fullPath, strings.TrimSuffix(basePath, "/")), "/")
	query := fullQuery
	if baseQuery != "" {
		query = strings.TrimPrefix(strings.TrimPrefix(fullQuery, baseQuery), "&")
	}
	if query != "" {
		rel += "?" + query
	}
	return rel
}

// checkAllowed checks allowedTopics: at most MaxAllowedTopics entries,
// none empty or longer than MaxPathBytes, without control characters, and
// with "*" only at the end.
func checkAllowed(entries []string) error {
	if len(entries) > MaxAllowedTopics {
		return streaming.OutOfBounds("allowedTopics", "lists at most %d paths, got %d", MaxAllowedTopics, len(entries))
	}
	for i, e := range entries {
		switch {
		case e == "":
			return streaming.Malformed("allowedTopics", "entry %d is empty: write \"*\" to allow every path, or leave the list empty", i+1)
		case len(e) > MaxPathBytes:
			return streaming.OutOfBounds("allowedTopics", "entry %d is %d bytes, more than %d", i+1, len(e), MaxPathBytes)
		case strings.ContainsFunc(e, func(r rune) bool { return r < 0x20 || r == 0x7F }):
			return streaming.Malformed("allowedTopics", "entry %d must not contain control characters: %s", i+1, streaming.Excerpt(e))
		case strings.Contains(strings.TrimSuffix(e, "*"), "*"):
			return streaming.Malformed("allowedTopics", "entry %d may have a * only at its end (a prefix): %s", i+1, streaming.Excerpt(e))
		}
	}
	return nil
}
