package kamhttp

import (
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"sort"
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

// Request bodies are decoded by hand rather than by huma's schema validation, so that create
// and merge-patch share one strict decoder: unknown fields, read-only fields, wrong types and
// malformed JSON each answer a problem that names the field; the domain's Validate then checks
// values and limits.

func problem(status int, detail string, details ...*huma.ErrorDetail) *huma.ErrorModel {
	return &huma.ErrorModel{Status: status, Title: http.StatusText(status), Detail: detail, Errors: details}
}

// checkJSONContentType accepts application/json and application/merge-patch+json.
func checkJSONContentType(ct string) error {
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil && (mt == "application/json" || mt == "application/merge-patch+json") {
		return nil
	}
	return problem(http.StatusUnsupportedMediaType, "send the body as application/json",
		&huma.ErrorDetail{Location: "header.Content-Type", Message: "must be application/json", Value: truncate(ct, 60)})
}

// jsonFields lists the JSON field names of a struct value.
func jsonFields(v any) map[string]bool {
	b, _ := json.Marshal(v)
	var m map[string]json.RawMessage
	json.Unmarshal(b, &m)
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}

// decodeObject decodes a JSON object onto target (which may hold current values: a merge patch
// changes only the fields present). writable lists the fields a client may send.
func decodeObject(ct string, raw []byte, target any, writable map[string]bool) error {
	if err := checkJSONContentType(ct); err != nil {
		return err
	}
	if len(raw) > maxBodyBytes {
		return problem(http.StatusRequestEntityTooLarge, "the body is larger than 256 KiB")
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		msg := "the body is not a JSON object"
		var se *json.SyntaxError
		if errors.As(err, &se) {
			msg = "malformed JSON at byte " + itoa(se.Offset) + ": " + se.Error()
		}
		return problem(http.StatusBadRequest, msg, &huma.ErrorDetail{Location: "body", Message: msg})
	}
	var bad []*huma.ErrorDetail
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !writable[k] {
			bad = append(bad, &huma.ErrorDetail{Location: "body." + truncate(k, 60), Message: "unknown or read-only field"})
		}
	}
	if len(bad) > 0 {
		return problem(http.StatusUnprocessableEntity, "the body has fields that cannot be written", bad...)
	}
	if err := json.Unmarshal(raw, target); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			field := te.Field
			if field == "" {
				field = "?"
			}
			return problem(http.StatusUnprocessableEntity, "a field has the wrong type",
				&huma.ErrorDetail{Location: "body." + field, Message: "must be " + jsonTypeName(te.Type.Kind().String()) + ", not " + te.Value})
		}
		return problem(http.StatusUnprocessableEntity, "the body cannot be read: "+err.Error(), &huma.ErrorDetail{Location: "body", Message: err.Error()})
	}
	return nil
}

func jsonTypeName(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"), strings.HasPrefix(kind, "float"):
		return "a number"
	case kind == "string":
		return "a string"
	case kind == "bool":
		return "true or false"
	case kind == "slice":
		return "an array"
	case kind == "map", kind == "struct", kind == "ptr":
		return "an object"
	}
	return "of another type"
}

// writable returns the JSON fields of v minus the read-only ones.
func writable(v any, readOnly ...string) map[string]bool {
	m := jsonFields(v)
	for _, k := range readOnly {
		delete(m, k)
	}
	return m
}
