package codec

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
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

// Unmarshal decodes a gob message into v.
func (Gob) Unmarshal(data []byte, v any) error {
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

// Unmarshal decodes JSON data into v.
func (JSON) Unmarshal(data []byte, v any) error {
	return json.Unmarshal(data, v)
}
