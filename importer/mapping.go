package importer

import (
	"fmt"
	"sort"
	"strings"
)

// ParseMapping reads a --map value: field=Column pairs separated by commas; field= (no column)
// leaves the field out even when a column bears its name. A column name that itself holds a comma
// is written with a backslash before it.
func ParseMapping(s string) (map[string]string, error) {
	out := map[string]string{}
	if strings.TrimSpace(s) == "" {
		return out, nil
	}
	var parts []string
	var cur strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
		case s[i] == ',':
			parts = append(parts, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(s[i])
		}
	}
	parts = append(parts, cur.String())
	for _, p := range parts {
		field, col, ok := strings.Cut(p, "=")
		field, col = strings.TrimSpace(field), strings.TrimSpace(col)
		if !ok || field == "" {
			return nil, fmt.Errorf("--map: %q is not field=Column", p)
		}
		if _, dup := out[field]; dup {
			return nil, fmt.Errorf("--map: field %s is mapped twice", field)
		}
		out[field] = col
	}
	return out, nil
}

// resolveMapping decides which column of header feeds each field of k: the explicit mapping
// first, then a header equal to the field's name, then one of its aliases. It fails, before any
// row is read, when a mapping names an unknown field or a missing column, or a required field is
// left without a column.
func resolveMapping(k *Kind, header []string, explicit map[string]string) (map[string]int, error) {
	index := map[string]int{}
	for i, h := range header {
		key := strings.ToLower(strings.TrimSpace(h))
		if _, dup := index[key]; !dup {
			index[key] = i
		}
	}
	cols := map[string]int{}
	var problems []string
	for field, col := range explicit {
		if _, ok := k.Field(field); !ok {
			problems = append(problems, fmt.Sprintf("%s is not a field of %s (fields: %s)", field, k.Name, strings.Join(fieldNames(k), ", ")))
			continue
		}
		if col == "" {
			continue // the field is not imported, even if a column bears its name
		}
		i, ok := index[strings.ToLower(col)]
		if !ok {
			problems = append(problems, fmt.Sprintf("column %q, mapped to %s, is not in the file (columns: %s)", col, field, strings.Join(header, ", ")))
			continue
		}
		cols[field] = i
	}
	used := map[int]bool{}
	for _, i := range cols {
		used[i] = true
	}
	for _, fl := range k.Fields {
		if _, done := cols[fl.Name]; done {
			continue
		}
		if _, explicitlyMapped := explicit[fl.Name]; explicitlyMapped {
			continue
		}
		for _, name := range append([]string{fl.Name}, fl.Aliases...) {
			if i, ok := index[strings.ToLower(name)]; ok && !used[i] {
				cols[fl.Name] = i
				used[i] = true
				break
			}
		}
	}
	var missing []string
	for _, fl := range k.Fields {
		if _, ok := cols[fl.Name]; fl.Required && !ok {
			missing = append(missing, fl.Name)
		}
	}
	if len(missing) > 0 {
		problems = append(problems, fmt.Sprintf("required field(s) %s not mapped to any column; map them with --map %s=COLUMN (columns: %s)",
			strings.Join(missing, ", "), missing[0], strings.Join(header, ", ")))
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return nil, &FileError{Reason: strings.Join(problems, "; ")}
	}
	return cols, nil
}

func fieldNames(k *Kind) []string {
	out := make([]string, len(k.Fields))
	for i, f := range k.Fields {
		out[i] = f.Name
	}
	return out
}

// Mapping describes, for the UI's preview, which column feeds each field.
type Mapping struct {
	Field    string `json:"field"`
	Required bool   `json:"required"`
	Column   string `json:"column"`
	Doc      string `json:"doc"`
}

// SuggestMapping returns the mapping the importer would use for header without an explicit one,
// field by field, so that the UI can show it for the user to adjust.
func SuggestMapping(k *Kind, header []string, explicit map[string]string) []Mapping {
	cols, err := resolveMapping(k, header, explicit)
	if err != nil {
		// Show what can be resolved; the errors come back when the import runs.
		cols, _ = resolveMapping(k, header, nil)
		if cols == nil {
			cols = partialMapping(k, header)
		}
	}
	out := make([]Mapping, len(k.Fields))
	for i, fl := range k.Fields {
		out[i] = Mapping{Field: fl.Name, Required: fl.Required, Doc: fl.Doc}
		if c, ok := cols[fl.Name]; ok {
			out[i].Column = header[c]
		}
	}
	return out
}

// partialMapping matches names and aliases only, ignoring required fields.
func partialMapping(k *Kind, header []string) map[string]int {
	cols := map[string]int{}
	for _, fl := range k.Fields {
		for _, name := range append([]string{fl.Name}, fl.Aliases...) {
			for i, h := range header {
				if strings.EqualFold(strings.TrimSpace(h), name) {
					if _, ok := cols[fl.Name]; !ok {
						cols[fl.Name] = i
					}
				}
			}
		}
	}
	return cols
}
