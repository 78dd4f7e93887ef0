package source

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// SettingName is the jsonData field that names a data source's source.
const SettingName = "source"

// Registry finds a data source's Source by the name its settings give. It
// is safe for concurrent use; register every source before serving.
type Registry struct {
	mu        sync.RWMutex
	factories map[string]Factory
	fallback  string
}

// NewRegistry returns a registry in which settings that name no source
// mean fallback, which must be registered before Open is called.
func NewRegistry(fallback string) *Registry {
	return &Registry{factories: map[string]Factory{}, fallback: fallback}
}

// Register adds a source under name; a second one under the same name
// replaces the first.
func (r *Registry) Register(name string, f Factory) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.factories[name] = f
}

// Names lists the registered sources, sorted.
func (r *Registry) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	names := make([]string, 0, len(r.factories))
	for name := range r.factories {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// Open makes the Source the settings name (jsonData.source; absent means
// the fallback). An unknown name is a *streaming.FieldError naming the
// field and the known sources.
func (r *Registry) Open(s Settings) (Source, error) {
	fields, err := streaming.ReadFields(s.JSONData, "settings")
	if err != nil {
		return nil, err
	}
	name := r.fallback
	fields.String(SettingName, &name)
	if err := fields.Err(); err != nil {
		return nil, err
	}
	r.mu.RLock()
	f, ok := r.factories[name]
	r.mu.RUnlock()
	if !ok {
		return nil, &streaming.FieldError{Field: SettingName, Kind: streaming.ErrMalformed,
			Reason: fmt.Sprintf("unknown source %s: use one of %s", streaming.Excerpt(name), strings.Join(r.Names(), ", "))}
	}
	return f(s)
}
