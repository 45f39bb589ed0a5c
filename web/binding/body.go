package binding

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
)

type jsonBinding struct{}

func (jsonBinding) Name() string { return "json" }

func (b jsonBinding) Bind(r *http.Request, obj any) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	return b.BindBody(body, obj)
}

func (jsonBinding) BindBody(body []byte, obj any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return errors.New("binding: JSON: empty body")
	}
	if err := json.Unmarshal(body, obj); err != nil {
		return jsonError(body, err)
	}
	return Validate(obj)
}

// jsonError names the line and column of a decoding error.
func jsonError(body []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		line, col := position(body, se.Offset)
		return fmt.Errorf("binding: JSON %d:%d: %w", line, col, err)
	case errors.As(err, &te):
		line, col := position(body, te.Offset)
		return fmt.Errorf("binding: JSON %d:%d: field %q: cannot use %s as %s: %w", line, col, te.Field, te.Value, te.Type, err)
	}
	return fmt.Errorf("binding: JSON: %w", err)
}

// position turns a byte offset into a 1-based line and column.
func position(b []byte, off int64) (line, col int) {
	off = min(max(off, 0), int64(len(b)))
	before := b[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(off) - (bytes.LastIndexByte(before, '\n') + 1)
	return line, max(col, 1)
}

type xmlBinding struct{}

func (xmlBinding) Name() string { return "xml" }

func (b xmlBinding) Bind(r *http.Request, obj any) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	return b.BindBody(body, obj)
}

func (xmlBinding) BindBody(body []byte, obj any) error {
	if err := xml.Unmarshal(body, obj); err != nil {
		return fmt.Errorf("binding: XML: %w", err)
	}
	return Validate(obj)
}

func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, fmt.Errorf("binding: read body: %w", err)
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	return b, nil
}
