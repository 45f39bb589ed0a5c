// Package binding decodes request data (JSON, XML, forms, multipart, query,
// path params, headers) into structs and validates them with
// go-playground/validator using `binding:"..."` struct tags.
package binding

import (
	"errors"
	"net/http"
	"strings"
)

// Binding decodes a request into a pointer.
type Binding interface {
	Name() string
	Bind(*http.Request, any) error
}

// BodyBinding decodes raw body bytes, so a kept body can be bound again.
type BodyBinding interface {
	Binding
	BindBody([]byte, any) error
}

// The bindings, named for the data they read.
var (
	JSON          BodyBinding = jsonBinding{}
	XML           BodyBinding = xmlBinding{}
	Form          Binding     = formBinding{}
	FormPost      Binding     = formPostBinding{}
	FormMultipart Binding     = multipartBinding{}
	Query         Binding     = queryBinding{}
	Header        Binding     = headerBinding{}
)

// ErrBadTarget marks errors in the value given to bind into (not a
// pointer, an unsupported field type): a bug in the server, not in the
// request, so web's Bind answers 500 rather than 400.
var ErrBadTarget = errors.New("binding: bad target")

// MaxMultipartMemory is what FormMultipart may hold in memory.
var MaxMultipartMemory int64 = 32 << 20

// Default picks the binding for a method and content type.
func Default(method, contentType string) Binding {
	if method == http.MethodGet || method == http.MethodHead {
		return Form
	}
	ct, _, _ := strings.Cut(contentType, ";")
	switch strings.TrimSpace(strings.ToLower(ct)) {
	case "application/json":
		return JSON
	case "application/xml", "text/xml":
		return XML
	case "multipart/form-data":
		return FormMultipart
	default:
		return Form
	}
}
