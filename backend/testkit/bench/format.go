package bench

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Verdict is how a measurement compares with its target.
type Verdict bool

// The verdicts.
const (
	Pass Verdict = true
	Miss Verdict = false
)

// String is PASS or MISS.
func (v Verdict) String() string {
	if v {
		return "PASS"
	}
	return "MISS"
}

// FormatCount writes n rounded to a whole number with spaces between
// groups of three digits: 1 234 567.
func FormatCount(n float64) string {
	if math.IsNaN(n) || math.IsInf(n, 0) {
		return "–"
	}
	digits := strconv.FormatInt(int64(math.Round(math.Abs(n))), 10)
	var b strings.Builder
	if n < 0 && digits != "0" {
		b.WriteByte('-')
	}
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// FormatMs writes d in milliseconds with one decimal: "101.3 ms".
func FormatMs(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

// FormatRatio writes a ratio with two significant decimals, "0.84×" or
// "12×" above ten.
func FormatRatio(r float64) string {
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return "–"
	}
	if math.Abs(r) >= 10 {
		return fmt.Sprintf("%.0f×", r)
	}
	return fmt.Sprintf("%.2f×", r)
}

// FormatMiB writes bytes in MiB with one decimal.
func FormatMiB(bytes int64) string {
	return fmt.Sprintf("%.1f MiB", float64(bytes)/(1<<20))
}

// FormatMicros writes d in microseconds with two decimals: "0.42 µs".
func FormatMicros(d time.Duration) string {
	return fmt.Sprintf("%.2f µs", float64(d)/float64(time.Microsecond))
}

// FormatSpan writes a duration for prose: "3 s", "500 ms", "1.5 s".
func FormatSpan(d time.Duration) string {
	if d < time.Second {
		return strconv.FormatInt(d.Milliseconds(), 10) + " ms"
	}
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + " s"
}

// FormatSeconds writes d in seconds with one decimal: "12.3 s".
func FormatSeconds(d time.Duration) string {
	return fmt.Sprintf("%.1f s", d.Seconds())
}
