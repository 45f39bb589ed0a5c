package binding

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
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

// jsonError names the line and column of a decoding error, and for a type
// mismatch the field by its JSON path and what it wants, in JSON's terms:
// encoding/json's own message names Go types, which the client must not see.
func jsonError(body []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var ie *json.InvalidUnmarshalError
	switch {
	case errors.As(err, &se):
		line, col := position(body, se.Offset)
		return &RequestError{msg: fmt.Sprintf("binding: JSON %d:%d: %s", line, col, se.Error()), err: err}
	case errors.As(err, &te):
		line, col := position(body, te.Offset)
		field := ""
		if te.Field != "" {
			field = fmt.Sprintf(" field %q:", te.Field)
		}
		return &RequestError{msg: fmt.Sprintf("binding: JSON %d:%d:%s want %s, got %s",
			line, col, field, jsonKind(te.Type), te.Value), err: err}
	case errors.As(err, &ie):
		return fmt.Errorf("%w: JSON: %v", ErrBadTarget, err)
	}
	return &RequestError{msg: "binding: JSON: " + err.Error(), err: err}
}

// jsonKind describes what JSON value a Go type accepts.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "another value"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "an integer in range"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "a non-negative integer in range"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "another value"
}

// RequestError is a decoding error worded for the client; Unwrap gives
// the decoder's own error, which may name Go types.
type RequestError struct {
	msg string
	err error
}

func (e *RequestError) Error() string { return e.msg }

// Unwrap returns the decoder's error.
func (e *RequestError) Unwrap() error { return e.err }

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
		if reflect.ValueOf(obj).Kind() != reflect.Pointer {
			return fmt.Errorf("%w: XML: %v", ErrBadTarget, err)
		}
		return &RequestError{msg: "binding: XML: " + xmlMessage(err), err: err}
	}
	return Validate(obj)
}

// xmlMessage words an encoding/xml error without Go type names: its
// syntax errors carry a line, conversion errors come from strconv.
func xmlMessage(err error) string {
	var se *xml.SyntaxError
	var ne *strconv.NumError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("line %d: %s", se.Line, se.Msg)
	case errors.As(err, &ne):
		return fmt.Sprintf("invalid value %q: want a number in range", truncate(ne.Num))
	}
	var ue xml.UnmarshalError
	if errors.As(err, &ue) && strings.HasPrefix(string(ue), "expected element type") {
		return string(ue)
	}
	return "invalid document"
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
