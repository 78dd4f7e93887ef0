package source_test

import (
	"strings"
	"testing"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source"
)

// named is a Source that only knows its name.
type named struct {
	source.Source
	name string
}

func factory(name string) source.Factory {
	return func(source.Settings) (source.Source, error) { return named{name: name}, nil }
}

func TestRegistryOpensTheSourceTheSettingsName(t *testing.T) {
	r := source.NewRegistry("signals")
	r.Register("signals", factory("signals"))
	r.Register("mqtt", factory("mqtt"))
	for jsonData, want := range map[string]string{``: "signals", `{}`: "signals", `{"source":null}`: "signals", `{"source":"mqtt"}`: "mqtt"} {
		src, err := r.Open(source.Settings{JSONData: []byte(jsonData)})
		if err != nil {
			t.Fatalf("%s: %v", jsonData, err)
		}
		if got := src.(named).name; got != want {
			t.Errorf("%s opened %s, want %s", jsonData, got, want)
		}
	}
	if got := strings.Join(r.Names(), ","); got != "mqtt,signals" {
		t.Errorf("Names() = %s", got)
	}
}

func TestRegistryRefusesAnUnknownSourceNamingTheKnownOnes(t *testing.T) {
	r := source.NewRegistry("signals")
	r.Register("signals", factory("signals"))
	_, err := r.Open(source.Settings{JSONData: []byte(`{"source":"kafka"}`)})
	if err == nil || err.Error() != `source: unknown source "kafka": use one of signals` {
		t.Fatalf("got %v", err)
	}
	if _, err := r.Open(source.Settings{JSONData: []byte(`{"source":3}`)}); err == nil || !strings.HasPrefix(err.Error(), "source: must be a string") {
		t.Fatalf("got %v", err)
	}
}

func TestChannelNeverTruncates(t *testing.T) {
	if c, err := source.Channel("uid", "v1/sine"); err != nil || c != "ds/uid/v1/sine" {
		t.Fatalf("got %q, %v", c, err)
	}
	if _, err := source.Channel("uid", strings.Repeat("x", streaming.MaxChannelLength)); err == nil || !strings.Contains(err.Error(), "160") {
		t.Fatalf("got %v", err)
	}
}

func TestUnknownFieldsNotice(t *testing.T) {
	for unknown, want := range map[string]string{
		"a":             `unknown query field "a" is ignored; check its spelling`,
		"a,b":           `unknown query fields "a", "b" are ignored; check their spelling`,
		"a,b,c,d,e,f,g": `unknown query fields "a", "b", "c", "d", "e" and 2 more are ignored; check their spelling`,
	} {
		if got := source.UnknownFieldsNotice(strings.Split(unknown, ",")); got != want {
			t.Errorf("%s: got %s", unknown, got)
		}
	}
}
