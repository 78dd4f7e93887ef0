package web

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// CheckRedirect checks the URL u a server redirected a request to, as a
// query's path is checked: it must keep the base URL's scheme, host and
// port, stay under the base URL's path, and be a path that Resolve
// accepts and allowedTopics covers (CheckPath), read relative to the
// base. So a redirect takes neither the settings' credentials to another
// server nor a stream past the paths an administrator allowed. The error
// says in plain words which rule u breaks.
func (s Settings) CheckRedirect(u *url.URL) error {
	if !SameOrigin(s.URL, u) {
		return fmt.Errorf("%s is another scheme, host or port than the data source's URL", Where(u))
	}
	base := strings.TrimSuffix(s.URL.EscapedPath(), "/")
	escaped := u.EscapedPath()
	if escaped != base && !strings.HasPrefix(escaped, base+"/") {
		return fmt.Errorf("%s is outside the data source's URL path %s", Where(u), streaming.Excerpt(base+"/"))
	}
	rel := relative(s.URL.EscapedPath(), s.URL.RawQuery, escaped, u.RawQuery)
	if err := s.CheckPath(rel); err != nil {
		return fmt.Errorf("%s is not a path a query could name here: %w", Where(u), err)
	}
	return nil
}
