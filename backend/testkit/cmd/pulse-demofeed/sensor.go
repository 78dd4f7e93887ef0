package main

import (
	"encoding/json"
	"hash/fnv"
	"math"
	"math/rand/v2"
)

// How each quantity moves. Temperature, humidity and signal strength are
// mean-reverting random walks (Ornstein–Uhlenbeck processes): they wander
// smoothly around the room's own level and never drift away. Each is
// stepped with the process's exact transition for the room's interval, so a
// 10 Hz room and a 0.2 Hz room move alike over a minute; only the sampling
// differs.
const (
	tempSpread     = 1.2   // °C, the typical distance from the room's level
	tempRevert     = 300.0 // s, how long a departure takes to fade
	humiditySpread = 4.0   // % relative humidity
	humidityRevert = 600.0
	rssiSpread     = 3.0 // dBm
	rssiRevert     = 60.0
	// batteryDrain is the charge a sensor uses per second: a full battery
	// lasts about 14 hours here, and is replaced (back to 1) below
	// batteryLow.
	batteryDrain = 2e-5
	batteryLow   = 0.05
)

// sensor is one room's simulated sensor. Its readings depend only on the
// seed, the room's name and rate, and how many readings came before: the
// same seed gives the same values, reading for reading, whenever they are
// published.
type sensor struct {
	rng *rand.Rand
	dt  float64 // seconds between two readings
	seq uint64

	temp, humidity, rssi        float64
	tempMean, humMean, rssiMean float64
	battery                     float64
}

// reading is one message's values.
type reading struct {
	Seq      uint64
	Temp     float64 // °C, two decimals
	Humidity int     // %
	Battery  float64 // 0 … 1, two decimals
	RSSI     int     // dBm
}

// newSensor makes the sensor of room r for seed. A room keeps its walk when
// other rooms are added or reordered: its stream of random numbers is picked
// by its name.
func newSensor(seed uint64, r room) *sensor {
	h := fnv.New64a()
	_, _ = h.Write([]byte(r.name))
	rng := rand.New(rand.NewPCG(seed, h.Sum64()))
	s := &sensor{rng: rng, dt: 1 / r.rate}
	s.tempMean = 18 + 6*rng.Float64() // 18 … 24 °C
	s.humMean = 35 + 20*rng.Float64() // 35 … 55 %
	s.rssiMean = -75 + 30*rng.Float64()
	s.battery = 0.55 + 0.45*rng.Float64()
	s.temp = s.tempMean + tempSpread*rng.NormFloat64()
	s.humidity = s.humMean + humiditySpread*rng.NormFloat64()
	s.rssi = s.rssiMean + rssiSpread*rng.NormFloat64()
	return s
}

// next is the sensor's next reading; the first has Seq 1.
func (s *sensor) next() reading {
	if s.seq > 0 {
		s.temp = s.step(s.temp, s.tempMean, tempSpread, tempRevert)
		s.humidity = s.step(s.humidity, s.humMean, humiditySpread, humidityRevert)
		s.rssi = s.step(s.rssi, s.rssiMean, rssiSpread, rssiRevert)
		s.battery -= batteryDrain * s.dt
		if s.battery < batteryLow {
			s.battery = 1
		}
	}
	s.seq++
	return reading{
		Seq:      s.seq,
		Temp:     round(s.temp, 2),
		Humidity: int(math.Round(min(100, max(0, s.humidity)))),
		Battery:  round(s.battery, 2),
		RSSI:     int(math.Round(min(-20, max(-110, s.rssi)))),
	}
}

// step moves x one interval along a mean-reverting walk around mean whose
// values spread by spread and whose departures fade over revert seconds.
func (s *sensor) step(x, mean, spread, revert float64) float64 {
	decay := math.Exp(-s.dt / revert)
	return mean + (x-mean)*decay + spread*math.Sqrt(1-decay*decay)*s.rng.NormFloat64()
}

func round(x float64, decimals int) float64 {
	p := math.Pow(10, float64(decimals))
	return math.Round(x*p) / p
}

// climate is the JSON of a reading, as the climate topics carry it.
type climate struct {
	// TS is when the reading was taken, in milliseconds since the epoch.
	TS       int64   `json:"ts"`
	Seq      uint64  `json:"seq"`
	Temp     float64 `json:"temp"`
	Humidity int     `json:"humidity"`
	Sensor   struct {
		Battery float64 `json:"battery"`
		RSSI    int     `json:"rssi"`
	} `json:"sensor"`
}

// climatePayload is r as JSON, taken at tsMillis.
func climatePayload(r reading, tsMillis int64) []byte {
	c := climate{TS: tsMillis, Seq: r.Seq, Temp: r.Temp, Humidity: r.Humidity}
	c.Sensor.Battery, c.Sensor.RSSI = r.Battery, r.RSSI
	b, _ := json.Marshal(c) // cannot fail: finite numbers only
	return b
}

// status is the JSON of a room's retained status message.
type status struct {
	TS     int64   `json:"ts"`
	State  string  `json:"state"` // "online" while the feed publishes, "offline" after it stopped
	Room   string  `json:"room"`
	RateHz float64 `json:"rateHz"`
}

func statusPayload(r room, state string, tsMillis int64) []byte {
	b, _ := json.Marshal(status{TS: tsMillis, State: state, Room: r.name, RateHz: r.rate})
	return b
}

// malformedPayload is the n-th (from 0) payload that is not JSON, in the
// ways real devices get it wrong: cut off mid-message, a bare word, a
// number JSON has no spelling for. good is a well-formed payload to cut.
func malformedPayload(n uint64, good []byte) []byte {
	switch n % 3 {
	case 0:
		return good[:len(good)/2]
	case 1:
		return []byte("sensor fault E42")
	default:
		return []byte("NaN")
	}
}
