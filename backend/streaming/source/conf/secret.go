package conf

// Secret is a value from a data source's secureJsonData: a password, a
// token or a PEM block. It prints as "[redacted]" (or "" when empty) with
// every fmt verb that takes a string and in JSON, so that logging settings
// never shows it; string(s) reads it.
type Secret string

// Redacted is how a set Secret prints.
const Redacted = "[redacted]"

// String is "[redacted]", or "" when s is empty.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return Redacted
}

// GoString is String, so that %#v redacts too.
func (s Secret) GoString() string { return `"` + s.String() + `"` }

// MarshalText is String, so that JSON and text encoders redact.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }
