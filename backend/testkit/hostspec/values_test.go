package hostspec_test

import (
	"fmt"
	"math"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// cycleFraction is frac(t / periodMs), computed exactly.
func cycleFraction(t time.Time, periodMs int64) float64 {
	m := t.UnixMilli() % periodMs
	if m < 0 {
		m += periodMs
	}
	return float64(m) / float64(periodMs)
}

// sineFit fits y = offset + c*sin(x) + s*cos(x), x = 2π frac(t/P), by least
// squares, and returns the fitted amplitude, the phase (in cycles, [0, 1))
// and the largest residual.
func sineFit(rows []pluginhost.Row, series int, periodMs int64, offset float64) (amplitude, phase, residual float64) {
	var a, b, c, d, e float64
	for _, r := range rows {
		x := 2 * math.Pi * cycleFraction(r.Time, periodMs)
		sin, cos, y := math.Sin(x), math.Cos(x), r.Values[series]-offset
		a += sin * sin
		b += sin * cos
		c += cos * cos
		d += y * sin
		e += y * cos
	}
	det := a*c - b*b
	cs := (d*c - b*e) / det
	sn := (a*e - b*d) / det
	for _, r := range rows {
		x := 2 * math.Pi * cycleFraction(r.Time, periodMs)
		residual = max(residual, math.Abs(r.Values[series]-offset-cs*math.Sin(x)-sn*math.Cos(x)))
	}
	phase = math.Atan2(sn, cs) / (2 * math.Pi)
	if phase < 0 {
		phase++
	}
	return math.Hypot(cs, sn), phase, residual
}

// cycleDistance is how far apart two phases are, in cycles.
func cycleDistance(p, q float64) float64 {
	d := math.Abs(p - q)
	return math.Min(d, 1-d)
}

var _ = Describe("Signal values", func() {
	base := ms(time.Now()).Truncate(time.Minute).Add(-10 * time.Minute)

	It("sine: offset + amplitude * sin(2π (t/periodMs + phase)), with a different phase per series", func(ctx SpecContext) {
		const periodMs, amplitude, offset = 5000, 3.0, 7.0
		f := queryFrame(ctx, defaultDS, pluginhost.Query{
			JSON: `{"kind":"sine","stepMs":100,"periodMs":5000,"amplitude":3,"offset":7,"seriesCount":3}`,
			From: base, To: base.Add(10 * time.Second), MaxDataPoints: 1000,
		})
		rows := rowsOf(f)
		Expect(rows).To(HaveLen(101))
		phases := make([]float64, 3)
		for s := range 3 {
			amp, phase, residual := sineFit(rows, s, periodMs, offset)
			Expect(amp).To(BeNumerically("~", amplitude, 1e-6), "series %d's amplitude", s+1)
			Expect(residual).To(BeNumerically("<", 1e-6), "series %d fits the sine", s+1)
			phases[s] = phase
		}
		for i := range 3 {
			for j := i + 1; j < 3; j++ {
				Expect(cycleDistance(phases[i], phases[j])).To(BeNumerically(">", 1e-3),
					"series %d and %d must not overlap (phases %v)", i+1, j+1, phases)
			}
		}
	})

	It("sine: the seed shifts the phase", func(ctx SpecContext) {
		phase := func(seed int) float64 {
			f := queryFrame(ctx, defaultDS, pluginhost.Query{
				JSON: fmt.Sprintf(`{"kind":"sine","stepMs":250,"periodMs":10000,"seed":%d}`, seed),
				From: base, To: base.Add(20 * time.Second), MaxDataPoints: 1000,
			})
			amp, p, residual := sineFit(rowsOf(f), 0, 10000, 0)
			Expect(amp).To(BeNumerically("~", 10, 1e-6), "the default amplitude")
			Expect(residual).To(BeNumerically("<", 1e-6))
			return p
		}
		Expect(cycleDistance(phase(1), phase(2))).To(BeNumerically(">", 1e-3))
	})

	It("square: offset + amplitude for half of each cycle, offset - amplitude for the other half", func(ctx SpecContext) {
		const stepMs, periodMs, amplitude, offset = 100, 2000, 4.0, -1.0
		f := queryFrame(ctx, defaultDS, pluginhost.Query{
			JSON: `{"kind":"square","stepMs":100,"periodMs":2000,"amplitude":4,"offset":-1,"seed":3}`,
			From: base, To: base.Add(20 * time.Second), MaxDataPoints: 1000,
		})
		rows := rowsOf(f)
		Expect(rows).To(HaveLen(201))
		var changes []time.Time
		for i, r := range rows {
			Expect(r.Values[0]).To(BeElementOf(offset+amplitude, offset-amplitude), "at %s", r.Time)
			if i > 0 && r.Values[0] != rows[i-1].Values[0] {
				changes = append(changes, r.Time)
			}
		}
		Expect(len(changes)).To(BeNumerically(">=", 18), "a change every half cycle")
		for i := 1; i < len(changes); i++ {
			Expect(changes[i].Sub(changes[i-1])).To(BeNumerically("~", periodMs/2*time.Millisecond, stepMs*time.Millisecond),
				"half a cycle between changes")
		}
	})

	It("sawtooth: rises linearly from offset - amplitude to offset + amplitude over each cycle", func(ctx SpecContext) {
		const stepMs, periodMs, amplitude, offset = 100, 2000, 5.0, 10.0
		f := queryFrame(ctx, defaultDS, pluginhost.Query{
			JSON: `{"kind":"sawtooth","stepMs":100,"periodMs":2000,"amplitude":5,"offset":10}`,
			From: base, To: base.Add(10 * time.Second), MaxDataPoints: 1000,
		})
		rows := rowsOf(f)
		Expect(rows).To(HaveLen(101))
		rise := 2 * amplitude * stepMs / periodMs
		wraps := 0
		for i, r := range rows {
			Expect(r.Values[0]).To(BeNumerically(">=", offset-amplitude-1e-9))
			Expect(r.Values[0]).To(BeNumerically("<=", offset+amplitude+1e-9))
			if i == 0 {
				continue
			}
			diff := r.Values[0] - rows[i-1].Values[0]
			if diff < 0 {
				wraps++
				Expect(diff).To(BeNumerically("~", rise-2*amplitude, 1e-6), "the drop at the end of a cycle, at %s", r.Time)
			} else {
				Expect(diff).To(BeNumerically("~", rise, 1e-6), "a linear rise, at %s", r.Time)
			}
		}
		Expect(wraps).To(BeNumerically("~", 5, 1), "one drop per cycle")
	})

	It("randomWalk: steps of standard deviation amplitude, different for each seed", func(ctx SpecContext) {
		walk := func(seed int) []pluginhost.Row {
			f := queryFrame(ctx, defaultDS, pluginhost.Query{
				JSON: fmt.Sprintf(`{"stepMs":1000,"amplitude":2,"offset":50,"seed":%d}`, seed),
				From: base.Add(-2000 * time.Second), To: base, MaxDataPoints: 5000,
			})
			return rowsOf(f)
		}
		a, b := walk(11), walk(12)
		Expect(a).To(HaveLen(2001))
		var sum, sumSq float64
		for i := 1; i < len(a); i++ {
			Expect(math.IsNaN(a[i].Values[0]) || math.IsInf(a[i].Values[0], 0)).To(BeFalse())
			d := a[i].Values[0] - a[i-1].Values[0]
			sum += d
			sumSq += d * d
		}
		n := float64(len(a) - 1)
		sd := math.Sqrt(sumSq/n - (sum/n)*(sum/n))
		Expect(sd).To(BeNumerically("~", 2, 0.6), "the steps' standard deviation")
		Expect(a).NotTo(Equal(b), "another seed, another walk")
	})

	DescribeTable("a value is a pure function of the query and the time: overlapping ranges agree exactly",
		func(ctx SpecContext, model string) {
			q := func(from, to time.Time) []pluginhost.Row {
				return rowsOf(queryFrame(ctx, defaultDS, pluginhost.Query{JSON: model, From: from, To: to, MaxDataPoints: 1000}))
			}
			early := q(base.Add(-60*time.Second), base)
			late := q(base.Add(-30*time.Second), base.Add(30*time.Second))
			Expect(early).To(HaveLen(61))
			Expect(late).To(HaveLen(61))
			Expect(late[:31]).To(Equal(early[30:]))
		},
		Entry("randomWalk", `{"kind":"randomWalk","seed":42,"seriesCount":2}`),
		Entry("sine", `{"kind":"sine","periodMs":7000,"seed":42,"seriesCount":2}`),
		Entry("square", `{"kind":"square","periodMs":7000,"seed":42,"seriesCount":2}`),
		Entry("sawtooth", `{"kind":"sawtooth","periodMs":7000,"seed":42,"seriesCount":2}`),
		Entry("counter", `{"kind":"counter","seed":42,"seriesCount":2}`),
	)

	It("a restarted plugin produces the same values", func(ctx SpecContext) {
		other, err := pluginhost.Start(ctx, pluginhost.Options{Binary: binaryPath, LogOutput: GinkgoWriter, Stderr: pluginStderr})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(other.Close)
		req := defaultDS.QueryDataRequest(pluginhost.Query{
			JSON: `{"seed":7,"seriesCount":3,"stepMs":500}`, From: base.Add(-time.Minute), To: base, MaxDataPoints: 1000,
		})
		mine, err := host.Data.QueryData(ctx, req)
		Expect(err).NotTo(HaveOccurred())
		theirs, err := other.Data.QueryData(ctx, req)
		Expect(err).NotTo(HaveOccurred())
		a, err := pluginhost.Frames(mine.GetResponses()["A"])
		Expect(err).NotTo(HaveOccurred())
		b, err := pluginhost.Frames(theirs.GetResponses()["A"])
		Expect(err).NotTo(HaveOccurred())
		Expect(rowsOf(a[0])).To(HaveLen(121))
		Expect(rowsOf(b[0])).To(Equal(rowsOf(a[0])))
	})
})
