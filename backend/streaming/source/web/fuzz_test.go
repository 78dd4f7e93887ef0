package web_test

import (
	"errors"
	"net/url"
	"path"
	"strings"
	"testing"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source/web"
)

// FuzzResolve checks that whatever path a viewer writes, under
// whatever base path, the URL stays on the base's scheme, user, host and
// port and under its path, as the client sends it and as a server that
// decodes, reads backslashes as slashes and cleans the path sees it.
func FuzzResolve(f *testing.F) {
	for _, seed := range [][2]string{
		{"/v1", "events?since=1"}, {"/v1/", "../x"}, {"", "//other.example.test"}, {"/a/b", "a/../../b"},
		{"/v1", "%2e%2e/x"}, {"/v1", `\..\x`}, {"/v1", "..;/x"}, {"/v1", "a%2f..%2f..%2fx"}, {"/v1?k=v", "?a=b#c"},
		{"/v1", "http://other.example.test"}, {"/v1", "a@other.example.test"}, {"/a%20b", "c d/ü"}, {"/v1", "%252e%252e"},
		{"/x/..", "y"}, {"//", "."}, {"/v1", "./a:b/.."},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, basePath, p string) {
		base, err := url.Parse("https://u@api.example.test:8443" + basePath)
		if err != nil || base.Host != "api.example.test:8443" || base.User.String() != "u" || base.Opaque != "" {
			return
		}
		u, err := web.Settings{URL: base}.Resolve(p)
		if err != nil {
			var fe *streaming.FieldError
			if !errors.As(err, &fe) || fe.Field != "path" {
				t.Fatalf("Resolve(%q, %q): %v is not a path FieldError", base, p, err)
			}
			if !strings.Contains(fe.Reason, streaming.Excerpt(p)) || len(fe.Reason) > 120+len(streaming.Excerpt(p)) {
				t.Fatalf("Resolve(%q, %q): the error quotes too much: %v", base, p, err)
			}
			return
		}
		prefix := strings.TrimSuffix(base.EscapedPath(), "/")
		for _, v := range []*url.URL{u, reparse(t, u)} {
			if v.Scheme != "https" || v.Host != "api.example.test:8443" || v.User.String() != "u" || v.Fragment != "" {
				t.Fatalf("Resolve(%q, %q) = %q leaves the base", base, p, u)
			}
			escaped := v.EscapedPath()
			if escaped != base.EscapedPath() && !strings.HasPrefix(escaped, prefix+"/") {
				t.Fatalf("Resolve(%q, %q) = %q is not under the base's path", base, p, u)
			}
			if !strings.HasPrefix(v.RawQuery, base.RawQuery) {
				t.Fatalf("Resolve(%q, %q) = %q lost the base's query", base, p, u)
			}
			rest := strings.TrimPrefix(escaped, prefix)
			if server(prefix+rest) != server(prefix) && !strings.HasPrefix(server(prefix+rest), strings.TrimSuffix(server(prefix), "/")+"/") {
				t.Fatalf("Resolve(%q, %q) = %q: a server reads %q, not under %q", base, p, u, server(prefix+rest), server(prefix))
			}
		}
	})
}

// reparse is the URL a client sends, read back.
func reparse(t *testing.T, u *url.URL) *url.URL {
	v, err := url.Parse(u.String())
	if err != nil {
		t.Fatalf("%q does not parse: %v", u, err)
	}
	return v
}

// server is how a lenient server reads an escaped path: decoded twice,
// backslashes as slashes, cleaned.
func server(escaped string) string {
	s := escaped
	for range 2 {
		if d, err := url.PathUnescape(s); err == nil {
			s = d
		}
	}
	return path.Clean("/" + strings.ReplaceAll(s, `\`, "/"))
}
