package binding

import (
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
)

type formBinding struct{}

func (formBinding) Name() string { return "form" }

func (formBinding) Bind(r *http.Request, obj any) error {
	if err := parseForm(r); err != nil {
		return err
	}
	var files map[string][]*multipart.FileHeader
	if r.MultipartForm != nil {
		files = r.MultipartForm.File
	}
	return bindValues(obj, "form", lookup(r.Form), files)
}

func parseForm(r *http.Request) error {
	err := r.ParseMultipartForm(MaxMultipartMemory)
	if err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return fmt.Errorf("binding: form: %w", err)
	}
	return nil
}

type formPostBinding struct{}

func (formPostBinding) Name() string { return "form-urlencoded" }

func (formPostBinding) Bind(r *http.Request, obj any) error {
	if err := r.ParseForm(); err != nil {
		return fmt.Errorf("binding: form: %w", err)
	}
	return bindValues(obj, "form", lookup(r.PostForm), nil)
}

type multipartBinding struct{}

func (multipartBinding) Name() string { return "multipart/form-data" }

func (multipartBinding) Bind(r *http.Request, obj any) error {
	if err := r.ParseMultipartForm(MaxMultipartMemory); err != nil {
		return fmt.Errorf("binding: multipart: %w", err)
	}
	return bindValues(obj, "form", lookup(r.MultipartForm.Value), r.MultipartForm.File)
}

type queryBinding struct{}

func (queryBinding) Name() string { return "query" }

func (queryBinding) Bind(r *http.Request, obj any) error {
	return bindValues(obj, "form", lookup(r.URL.Query()), nil)
}

type headerBinding struct{}

func (headerBinding) Name() string { return "header" }

func (headerBinding) Bind(r *http.Request, obj any) error {
	get := func(k string) ([]string, bool) {
		v, ok := r.Header[textproto.CanonicalMIMEHeaderKey(k)]
		return v, ok
	}
	return bindValues(obj, "header", get, nil)
}

// URI binds path parameters given as name → values, from `uri` tags.
func URI(params map[string][]string, obj any) error {
	return bindValues(obj, "uri", lookup(params), nil)
}

func lookup(m map[string][]string) func(string) ([]string, bool) {
	return func(k string) ([]string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

func bindValues(obj any, tag string, get func(string) ([]string, bool), files map[string][]*multipart.FileHeader) error {
	if err := mapValues(obj, tag, get, files); err != nil {
		return err
	}
	return Validate(obj)
}
