package feed

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// pathVersion is the second segment of every feed channel path.
const pathVersion = "v1"

// path is the canonical channel path of a streaming query:
// "<name>/v1/<flushMs>/<base64url(target [NUL param]… NUL timeField [NUL
// field]…)>", with one param for each of Options.Params.
func (o Options) path(q Query) string {
	var b strings.Builder
	b.WriteString(q.Target)
	for _, p := range q.Params {
		b.WriteByte(0)
		b.WriteString(p)
	}
	b.WriteByte(0)
	b.WriteString(q.TimeField)
	for _, f := range q.Fields {
		b.WriteByte(0)
		b.WriteString(f)
	}
	return o.Name + "/" + pathVersion + "/" + strconv.FormatInt(q.FlushMs, 10) + "/" +
		base64.RawURLEncoding.EncodeToString([]byte(b.String()))
}

// parsePath decodes a channel path back into its query, and checks it as a
// query is checked. A path that Pulse never writes — another prefix, a bad
// encoding, one that does not re-encode to itself — is an error wrapping
// streaming.ErrMalformed; a target the settings do not allow keeps
// Options.Check's error.
func (o Options) parsePath(path string) (Query, error) {
	parts := strings.SplitN(path, "/", 4)
	if len(parts) != 4 || parts[0] != o.Name || parts[1] != pathVersion {
		return Query{}, badPath(path, "not a channel of this "+o.Name+" data source")
	}
	flush, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return Query{}, badPath(path, "the flush window is not a number")
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(parts[3])
	if err != nil {
		return Query{}, badPath(path, "the query is not base64url")
	}
	fields := strings.Split(string(raw), "\x00")
	n := len(o.Params)
	if len(fields) < n+2 {
		return Query{}, badPath(path, "the query lacks its time field")
	}
	q := Query{Target: fields[0], Params: fields[1 : 1+n], TimeField: fields[1+n], FlushMs: flush, WithStreaming: true}
	if len(fields) > n+2 {
		q.Fields = fields[n+2:]
	}
	if q.FlushMs < streaming.MinFlushMs || q.FlushMs > streaming.MaxFlushMs {
		return Query{}, badPath(path, "the flush window is out of bounds")
	}
	if o.path(q) != path {
		return Query{}, badPath(path, "not in canonical form")
	}
	if err := o.checkQuery(q); err != nil {
		if !errors.Is(err, streaming.ErrMalformed) && (o.Check(q.Target) != nil || o.paramRefused(q)) {
			// A target or param the settings do not allow: PermissionDenied.
			return Query{}, err
		}
		return Query{}, badPath(path, "not a query Pulse would stream: "+err.Error())
	}
	return q, nil
}

func badPath(path, reason string) error {
	return &streaming.FieldError{Field: "path", Reason: fmt.Sprintf("%s: %s", streaming.Excerpt(path), reason), Kind: streaming.ErrMalformed}
}

// paramRefused reports whether a param's Check refuses its value for
// another reason than its form: the settings do not allow it.
func (o Options) paramRefused(q Query) bool {
	for i, p := range o.Params {
		if v := q.Params[i]; v != "" && p.Check != nil {
			if err := p.Check(v); err != nil && !errors.Is(err, streaming.ErrMalformed) {
				return true
			}
		}
	}
	return false
}
