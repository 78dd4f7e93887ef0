package main

import (
	"encoding/json"
	"fmt"
	"math"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// readings are the first n readings of room r's sensor for seed.
func readings(seed uint64, r room, n int) []reading {
	s := newSensor(seed, r)
	out := make([]reading, n)
	for i := range out {
		out[i] = s.next()
	}
	return out
}

var _ = Describe("a room's sensor", func() {
	kitchen := room{"kitchen", 10}

	It("gives the same readings for the same seed and room, and others for another seed or room", func() {
		Expect(readings(7, kitchen, 500)).To(Equal(readings(7, kitchen, 500)))
		Expect(readings(8, kitchen, 500)).NotTo(Equal(readings(7, kitchen, 500)))
		Expect(readings(7, room{"garage", 10}, 500)).NotTo(Equal(readings(7, kitchen, 500)))
	})

	It("numbers its readings from 1", func() {
		for i, r := range readings(1, kitchen, 5) {
			Expect(r.Seq).To(Equal(uint64(i + 1)))
		}
	})

	It("moves smoothly, and stays within plausible bounds over a day", func() {
		day := readings(3, kitchen, 10*86_400) // a day at 10 Hz
		lo, hi := day[0].Temp, day[0].Temp
		var tempJump, humidityJump float64
		for i, r := range day {
			if r.Humidity < 0 || r.Humidity > 100 || r.RSSI < -110 || r.RSSI > -20 ||
				r.Battery <= 0 || r.Battery > 1 || r.Temp != round(r.Temp, 2) {
				Fail(fmt.Sprintf("reading %d is out of bounds: %+v", i, r))
			}
			lo, hi = min(lo, r.Temp), max(hi, r.Temp)
			if i > 0 {
				tempJump = max(tempJump, math.Abs(r.Temp-day[i-1].Temp))
				humidityJump = max(humidityJump, math.Abs(float64(r.Humidity-day[i-1].Humidity)))
			}
		}
		Expect(tempJump).To(BeNumerically("<", 0.3), "the largest step of temp in °C")
		Expect(humidityJump).To(BeNumerically("<=", 2), "the largest step of humidity in %")
		// It wanders (more than a degree over a day) but never away (the
		// level is 18 … 24 °C, the spread 1.2 °C).
		Expect(hi - lo).To(BeNumerically(">", 1))
		Expect(lo).To(BeNumerically(">", 18-8*tempSpread))
		Expect(hi).To(BeNumerically("<", 24+8*tempSpread))
	})

	It("spreads alike at 0.2 Hz and at 10 Hz: only the sampling differs", func() {
		spread := func(rate float64, hours int) float64 {
			rs := readings(5, room{"lab", rate}, int(rate*3600*float64(hours)))
			var sum, sq float64
			for _, r := range rs {
				sum += r.Temp
				sq += r.Temp * r.Temp
			}
			n := float64(len(rs))
			return math.Sqrt(sq/n - (sum/n)*(sum/n))
		}
		slow, fast := spread(0.2, 200), spread(10, 20)
		Expect(slow).To(BeNumerically("~", tempSpread, 0.4))
		Expect(fast).To(BeNumerically("~", tempSpread, 0.6))
	})

	It("drains its battery slowly, and starts again full below 5 %", func() {
		s := newSensor(1, room{"r", 1})
		first := s.next().Battery
		var last float64
		replaced := false
		for range 60 * 60 * 24 * 3 { // three days at 1 Hz
			b := s.next().Battery
			if last != 0 && b > last {
				if last >= 0.06 || b != 1 {
					Fail(fmt.Sprintf("the battery went from %v to %v", last, b))
				}
				replaced = true
			}
			last = b
		}
		Expect(first).To(BeNumerically(">=", 0.55))
		Expect(replaced).To(BeTrue(), "a battery that lasts about 14 hours was replaced within three days")
	})
})

var _ = Describe("the payloads", func() {
	It("write a reading as nested JSON with its time in milliseconds", func() {
		r := reading{Seq: 42, Temp: 21.43, Humidity: 41, Battery: 0.93, RSSI: -61}
		Expect(string(climatePayload(r, 1795651643120))).To(Equal(
			`{"ts":1795651643120,"seq":42,"temp":21.43,"humidity":41,"sensor":{"battery":0.93,"rssi":-61}}`))
	})

	It("write a room's status", func() {
		Expect(string(statusPayload(room{"garage", 0.2}, "online", 1795651643120))).To(Equal(
			`{"ts":1795651643120,"state":"online","room":"garage","rateHz":0.2}`))
	})

	It("are not JSON when malformed, in three ways in turn", func() {
		good := climatePayload(reading{Seq: 1, Temp: 20, Humidity: 40, Battery: 1, RSSI: -60}, 1795651643120)
		Expect(json.Valid(good)).To(BeTrue())
		seen := map[string]bool{}
		for n := range uint64(6) {
			p := malformedPayload(n, good)
			Expect(json.Valid(p)).To(BeFalse(), "%q", p)
			Expect(p).NotTo(BeEmpty())
			seen[string(p)] = true
		}
		Expect(seen).To(HaveLen(3))
		Expect(seen).To(HaveKey(string(good[:len(good)/2])))
	})
})
