package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
	"google.golang.org/protobuf/proto"
)

// Renderer writes a response body; Render is the hook for formats the
// Context has no method for (gin's render.Render).
type Renderer interface {
	// ContentType is the Content-Type to send, unless one is set already.
	ContentType() string
	// Render writes the body.
	Render(w http.ResponseWriter) error
}

// Render writes r's body with the status. A rendering error before any
// byte was written answers 500; every error is recorded in c.Errors.
func (c *Context) Render(code int, r Renderer) {
	c.setType(r.ContentType())
	c.Status(code)
	if !bodyAllowed(code) {
		c.Writer.WriteHeaderNow()
		return
	}
	if err := r.Render(c.Writer); err != nil {
		c.Error(fmt.Errorf("render: %w", err))
		if !c.Writer.Written() {
			c.Writer.Header().Set("Content-Type", "text/plain; charset=utf-8")
			c.Status(http.StatusInternalServerError)
			_, _ = c.Writer.WriteString("500 internal server error")
		}
	}
}

// DefaultSecureJSONPrefix is what SecureJSON puts before a JSON array.
const DefaultSecureJSONPrefix = "while(1);"

// SecureJSONPrefix sets the prefix SecureJSON puts before JSON arrays.
func (e *Engine) SecureJSONPrefix(prefix string) *Engine {
	e.secureJSONPrefix = prefix
	return e
}

// SecureJSON is JSON that, when the body is an array, starts with the
// engine's prefix ("while(1);"), against JSON hijacking in old browsers.
func (c *Context) SecureJSON(code int, obj any) {
	b, err := json.Marshal(obj)
	if err == nil && len(b) > 0 && b[0] == '[' {
		prefix := DefaultSecureJSONPrefix
		if c.engine != nil && c.engine.secureJSONPrefix != "" {
			prefix = c.engine.secureJSONPrefix
		}
		b = append([]byte(prefix), b...)
	}
	c.writeEncoded(code, "application/json; charset=utf-8", b, err)
}

// JSONP writes obj as JSON wrapped in a call to the query's "callback"
// function, or as plain JSON without one. A callback that is not a dotted
// JavaScript identifier is refused with 400: gin escapes it instead, and
// reflecting caller-chosen script is how JSONP endpoints get abused. The
// body starts with an empty comment (against content sniffing as Flash).
func (c *Context) JSONP(code int, obj any) {
	cb := c.Query("callback")
	if cb == "" {
		c.JSON(code, obj)
		return
	}
	if !isCallbackName(cb) {
		c.Error(fmt.Errorf("render: JSONP: bad callback name %q", cb))
		c.String(http.StatusBadRequest, "400 bad callback name")
		return
	}
	b, err := json.Marshal(obj)
	if err == nil {
		b = append(append([]byte("/**/"+cb+"("), b...), ");"...)
	}
	c.Header("X-Content-Type-Options", "nosniff")
	c.writeEncoded(code, "application/javascript; charset=utf-8", b, err)
}

// isCallbackName accepts dotted identifiers of ASCII letters, digits, '_'
// and '$', up to 128 bytes.
func isCallbackName(s string) bool {
	if len(s) > 128 {
		return false
	}
	start := true
	for i := 0; i < len(s); i++ {
		b := s[i]
		switch {
		case b == '.':
			if start {
				return false
			}
			start = true
			continue
		case b >= '0' && b <= '9':
			if start {
				return false
			}
		case !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b == '_' || b == '$'):
			return false
		}
		start = false
	}
	return !start
}

// PureJSON writes obj as JSON without escaping <, > and & (JSON escapes
// them so that the body is safe inside HTML; PureJSON is for clients that
// never put it there).
func (c *Context) PureJSON(code int, obj any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(obj)
	c.writeEncoded(code, "application/json; charset=utf-8", bytes.TrimSuffix(buf.Bytes(), []byte("\n")), err)
}

// AsciiJSON writes obj as JSON with every non-ASCII character escaped as
// \uXXXX (surrogate pairs above the BMP).
func (c *Context) AsciiJSON(code int, obj any) {
	b, err := json.Marshal(obj)
	if err == nil {
		b = asciiOnly(b)
	}
	c.writeEncoded(code, "application/json", b, err)
}

func asciiOnly(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		switch {
		case r < utf8.RuneSelf:
			out = append(out, b[0])
		case r > 0xFFFF:
			r -= 0x10000
			out = fmt.Appendf(out, `\u%04x\u%04x`, 0xD800+(r>>10), 0xDC00+(r&0x3FF))
		default:
			out = fmt.Appendf(out, `\u%04x`, r)
		}
		b = b[n:]
	}
	return out
}

// ProtoBuf writes m in the protobuf wire format.
func (c *Context) ProtoBuf(code int, m proto.Message) {
	b, err := proto.Marshal(m)
	c.writeEncoded(code, "application/x-protobuf", b, err)
}

// YAML writes obj as YAML.
func (c *Context) YAML(code int, obj any) {
	b, err := marshalYAML(obj)
	c.writeEncoded(code, "application/yaml; charset=utf-8", b, err)
}

// marshalYAML turns the yaml package's panics on unsupported values
// (functions, channels) into errors.
func marshalYAML(obj any) (b []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("YAML: %v", r)
		}
	}()
	return yaml.Marshal(obj)
}
