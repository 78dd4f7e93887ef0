package jsonframe

// SchemaField is one field of a schema: its name and type, never TypeNull.
type SchemaField struct {
	Name string
	Type Type
}

// SchemaStats counts what a Schema did since it was made.
type SchemaStats struct {
	// FieldsDropped counts values whose field did not fit in the schema:
	// it already held MaxFields fields when the field first appeared.
	FieldsDropped int64
	// TypeChanges counts fields that became string fields because a value
	// of another type than their first came.
	TypeChanges int64
}

// Schema is the fields of one stream's rows, in order of first appearance,
// each with its type. It only grows: a field, once in, stays, and its type
// only ever changes to TypeString. It serves one stream and is not safe for
// concurrent use. The zero value keeps DefaultMaxFields fields.
type Schema struct {
	maxFields int
	fields    []SchemaField
	index     map[string]int
	// version counts the schema's changes, so that Columns notice one.
	version int
	stats   SchemaStats
}

// NewSchema makes an empty schema that keeps at most opts.MaxFields fields
// (DefaultMaxFields when zero); the other options do not matter to it.
func NewSchema(opts Options) *Schema {
	return &Schema{maxFields: opts.withDefaults().MaxFields}
}

// Observe adds the fields of rows that the schema lacks and widens the
// fields whose values changed type, and reports whether it changed: then
// the caller sends the schema with the next frame. A frame whose field
// count differs from the last schema Grafana got breaks its frontend.
//
// Null values never add or change a field. A field seeing a value of
// another type than its own becomes a string field (if it is not one
// already); its values are then rendered as their JSON text (Value.Text).
// Values of fields past MaxFields are dropped and counted.
func (s *Schema) Observe(rows []Row) (changed bool) {
	if s.index == nil {
		s.index = map[string]int{}
		if s.maxFields <= 0 {
			s.maxFields = DefaultMaxFields
		}
	}
	for _, r := range rows {
		for _, f := range r.Fields {
			t := f.Value.Type
			if t == TypeNull {
				continue
			}
			i, ok := s.index[f.Name]
			switch {
			case ok:
				if have := s.fields[i].Type; have != t && have != TypeString {
					s.fields[i].Type = TypeString
					s.stats.TypeChanges++
					changed = true
				}
			case len(s.fields) < s.maxFields:
				s.index[f.Name] = len(s.fields)
				s.fields = append(s.fields, SchemaField{Name: f.Name, Type: t})
				changed = true
			default:
				s.stats.FieldsDropped++
			}
		}
	}
	if changed {
		s.version++
	}
	return changed
}

// Len is how many fields the schema has, the time field not counted.
func (s *Schema) Len() int { return len(s.fields) }

// Field returns field i, in order of first appearance (0 ≤ i < Len).
func (s *Schema) Field(i int) SchemaField { return s.fields[i] }

// Fields returns a copy of the schema's fields, in order.
func (s *Schema) Fields() []SchemaField { return append([]SchemaField(nil), s.fields...) }

// Lookup returns the position and type of the field name, and whether the
// schema has it.
func (s *Schema) Lookup(name string) (int, Type, bool) {
	i, ok := s.index[name]
	if !ok {
		return -1, TypeNull, false
	}
	return i, s.fields[i].Type, true
}

// Stats returns the schema's counters.
func (s *Schema) Stats() SchemaStats { return s.stats }
