package codec

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"reflect"
)

// Gob encodes each message as a self-contained gob stream (type
// descriptors included), trading speed for Go-native type fidelity.
type Gob struct{}

// Name returns "gob".
func (Gob) Name() string { return "gob" }

// Marshal appends the gob encoding of v to dst.
func (Gob) Marshal(dst []byte, v any) ([]byte, error) {
	buf := bytes.NewBuffer(dst)
	if err := gob.NewEncoder(buf).Encode(v); err != nil {
		return dst, err
	}
	return buf.Bytes(), nil
}

// Unmarshal decodes a gob message into v, first checking that the type's
// worst case for an input of this size fits the budget (see gobRatio).
func (Gob) Unmarshal(data []byte, v any) error {
	if t := reflect.TypeOf(v); t != nil && t.Kind() == reflect.Pointer {
		r, err := gobRatio(t.Elem())
		if err != nil {
			return err
		}
		if need := r * uint64(len(data)); need > uint64(Budget(len(data))) {
			return budgetError("gob", len(data), t.Elem(), need)
		}
	}
	return gob.NewDecoder(bytes.NewReader(data)).Decode(v)
}

// JSON encodes messages with encoding/json.
type JSON struct{}

// Name returns "json".
func (JSON) Name() string { return "json" }

// Marshal appends the JSON encoding of v to dst.
func (JSON) Marshal(dst []byte, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return dst, err
	}
	return append(dst, b...), nil
}

// Unmarshal decodes JSON data into v. For types with slices, maps,
// pointers or interfaces it first estimates, without allocating, what
// decoding would allocate, and refuses input over the budget.
func (JSON) Unmarshal(data []byte, v any) error {
	if t := reflect.TypeOf(v); t != nil && t.Kind() == reflect.Pointer && jsonMayGrow(t.Elem()) {
		limit := uint64(Budget(len(data)))
		if need := jsonCost(data, t.Elem(), limit); need > limit {
			return budgetError("json", len(data), t.Elem(), need)
		}
	}
	return json.Unmarshal(data, v)
}
