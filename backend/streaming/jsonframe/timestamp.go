package jsonframe

import (
	"math"
	"strconv"
	"time"

	"github.com/tidwall/gjson"
)

// Epoch thresholds: a number of magnitude below EpochSeconds is seconds
// since the Unix epoch, below EpochMillis milliseconds, below EpochMicros
// microseconds, and anything larger nanoseconds. 1e11 s is the year 5138,
// 1e11 ms the year 1973: the units overlap only outside the years Grafana
// frames hold.
const (
	EpochSeconds = 1e11
	EpochMillis  = 1e14
	EpochMicros  = 1e17
)

// The times a frame holds: int64 nanoseconds since the epoch.
var (
	minTime = time.Unix(0, math.MinInt64)
	maxTime = time.Unix(0, math.MaxInt64)
)

// payloadTime reads a row's time from the value at TimeField.
func payloadTime(r gjson.Result) (time.Time, TimeSource) {
	var (
		t  time.Time
		ok bool
	)
	switch r.Type {
	case gjson.Null: // absent or null
		return time.Time{}, TimeMissing
	case gjson.Number:
		raw := r.Raw
		if raw == "" { // computed by a modifier
			raw = strconv.FormatFloat(r.Num, 'f', -1, 64)
		}
		t, ok = epochTime(raw)
	case gjson.String:
		if t, ok = epochTime(r.Str); !ok {
			t, ok = rfc3339Time(r.Str)
		}
	}
	if !ok {
		return time.Time{}, TimeUnreadable
	}
	return t, TimePayload
}

// ParseTime reads a time as a payload's TimeField holds it, given as its
// JSON text: a number of seconds, milliseconds, microseconds or
// nanoseconds since the epoch (see EpochSeconds), or a string holding such
// a number or an RFC 3339 time. ok is false for anything else, including
// null and times outside int64 nanoseconds.
func ParseTime(jsonText string) (t time.Time, ok bool) {
	if !gjson.Valid(jsonText) {
		return time.Time{}, false
	}
	t, source := payloadTime(gjson.Parse(jsonText))
	return t, source == TimePayload
}

// maxSignificant is how many significant digits of an epoch number matter:
// at most 10 of seconds and 9 of their fraction.
const maxSignificant = 19

// epochTime reads a number in JSON's syntax as a time since the epoch, its
// unit told by its magnitude, its digits read exactly down to the
// nanosecond (finer ones cut off toward zero).
func epochTime(s string) (time.Time, bool) {
	neg, buf, n, point, ok := scanDecimal(s)
	digits := buf[:n]
	if !ok {
		return time.Time{}, false
	}
	// The value is 0.d₁d₂… × 10^point: it has point integer digits, so
	// |v| < 10^n exactly when point <= n.
	switch {
	case point <= 11: // EpochSeconds
	case point <= 14: // EpochMillis
		point -= 3
	case point <= 17: // EpochMicros
		point -= 6
	default:
		point -= 9
	}
	if len(digits) > 0 && point > 10 { // more than 9 999 999 999 s
		return time.Time{}, false
	}
	digit := func(k int) int64 {
		if k < 0 || k >= len(digits) {
			return 0
		}
		return int64(digits[k] - '0')
	}
	var sec, nsec int64
	for k := range point {
		sec = sec*10 + digit(k)
	}
	for j := range 9 {
		nsec = nsec*10 + digit(point+j)
	}
	if neg {
		sec, nsec = -sec, -nsec
	}
	t := time.Unix(sec, nsec)
	if t.Before(minTime) || t.After(maxTime) {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// scanDecimal reads a number in JSON's syntax into its sign, its first
// significant digits (at most maxSignificant, none for zero) and the
// position of the decimal point before them: the value is
// ±0.buf[:n] × 10^point.
func scanDecimal(s string) (neg bool, buf [maxSignificant]byte, n, point int, ok bool) {
	i := 0
	if i < len(s) && s[i] == '-' {
		neg = true
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			if n < len(buf) {
				buf[n] = s[i]
			}
			n++
			point++
		}
	default:
		return false, buf, 0, 0, false
	}
	if i < len(s) && s[i] == '.' {
		i++
		start := i
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			if n == 0 && s[i] == '0' {
				point--
				continue
			}
			if n < len(buf) {
				buf[n] = s[i]
			}
			n++
		}
		if i == start {
			return false, buf, 0, 0, false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		expNeg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			expNeg = s[i] == '-'
			i++
		}
		start, exp := i, 0
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			if exp < 1_000_000 { // far beyond any time: saturate
				exp = exp*10 + int(s[i]-'0')
			}
		}
		if i == start {
			return false, buf, 0, 0, false
		}
		if expNeg {
			exp = -exp
		}
		point += exp
	}
	if i != len(s) {
		return false, buf, 0, 0, false
	}
	n = min(n, len(buf))
	if n == 0 {
		point = 0
	}
	return neg, buf, n, point, true
}

// rfc3339Time reads an RFC 3339 time, with or without a fraction of a
// second, also with the lowercase t and z or the space that RFC 3339
// allows.
func rfc3339Time(s string) (time.Time, bool) {
	if len(s) > 10 && (s[10] == 't' || s[10] == ' ' || s[len(s)-1] == 'z') {
		b := []byte(s)
		if b[10] == 't' || b[10] == ' ' {
			b[10] = 'T'
		}
		if b[len(b)-1] == 'z' {
			b[len(b)-1] = 'Z'
		}
		s = string(b)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || t.Before(minTime) || t.After(maxTime) {
		return time.Time{}, false
	}
	return t.UTC(), true
}
