package signals_test

import (
	"bufio"
	"os"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source/signals"
)

// docRow is one row of the query table in docs/query-model.md.
type docRow struct{ typ, def, bounds string }

// queryTable reads the first table under "## Query" in docs/query-model.md,
// keyed by field name, with the backticks taken off.
func queryTable() map[string]docRow {
	f, err := os.Open("../../../../docs/query-model.md")
	Expect(err).NotTo(HaveOccurred())
	defer f.Close()
	rows := map[string]docRow{}
	inQuery, inTable := false, false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "## "):
			inQuery = line == "## Query"
		case inQuery && strings.HasPrefix(line, "|"):
			inTable = true
			cells := strings.Split(strings.Trim(line, "|"), "|")
			for i := range cells {
				cells[i] = strings.Trim(strings.TrimSpace(cells[i]), "`")
			}
			if len(cells) >= 4 && cells[0] != "field" && !strings.HasPrefix(cells[0], "---") {
				rows[cells[0]] = docRow{typ: cells[1], def: strings.Trim(cells[2], `"`), bounds: cells[3]}
			}
		case inTable:
			return rows
		}
	}
	return rows
}

// docNumber reads "3 600 000" or "-1 000 000 000" as the docs write numbers.
func docNumber(s string) float64 {
	v, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(s), " ", ""), 64)
	Expect(err).NotTo(HaveOccurred(), s)
	return v
}

var _ = Describe("docs/query-model.md", func() {
	table := queryTable()

	It("lists every query field", func() {
		Expect(table).To(HaveLen(9))
	})

	It("states the defaults the core uses", func() {
		def := signals.DefaultQuery()
		Expect(table["withStreaming"].def).To(Equal(strconv.FormatBool(def.WithStreaming)))
		Expect(table["kind"].def).To(Equal(string(def.Kind)))
		for field, value := range map[string]float64{
			"stepMs": float64(def.StepMs), "periodMs": float64(def.PeriodMs), "amplitude": def.Amplitude,
			"offset": def.Offset, "seed": float64(def.Seed), "seriesCount": float64(def.SeriesCount),
			"flushMs": float64(def.FlushMs),
		} {
			Expect(docNumber(table[field].def)).To(Equal(value), field)
		}
	})

	It("states the bounds the core enforces", func() {
		for field, want := range map[string][2]float64{
			"stepMs":      {signals.MinStepMs, signals.MaxStepMs},
			"periodMs":    {signals.MinPeriodMs, signals.MaxPeriodMs},
			"amplitude":   {signals.MinAmplitude, signals.MaxAmplitude},
			"offset":      {signals.MinOffset, signals.MaxOffset},
			"seed":        {signals.MinSeed, signals.MaxSeed},
			"seriesCount": {signals.MinSeriesCount, signals.MaxSeriesCount},
			"flushMs":     {streaming.MinFlushMs, streaming.MaxFlushMs},
		} {
			lo, hi, ok := strings.Cut(table[field].bounds, "…")
			Expect(ok).To(BeTrue(), field)
			Expect([2]float64{docNumber(lo), docNumber(hi)}).To(Equal(want), field)
		}
	})

	It("names the kinds the core knows", func() {
		var kinds []string
		for _, k := range strings.Split(table["kind"].bounds, ",") {
			kinds = append(kinds, strings.Trim(strings.TrimSpace(k), "`"))
		}
		var want []string
		for _, k := range signals.Kinds {
			want = append(want, string(k))
		}
		Expect(kinds).To(Equal(want))
	})
})
