package web

import (
	"errors"
	"net/http"

	"github.com/gee-project/gee/web/binding"
)

// ShouldBind decodes the request into obj with the binding chosen by
// method and Content-Type, then validates it. The body is kept, so binding
// again (with the same or another binding) works.
func (c *Context) ShouldBind(obj any) error {
	return c.ShouldBindWith(obj, binding.Default(c.Request.Method, c.ContentType()))
}

// ShouldBindWith decodes the request into obj with b and validates it.
func (c *Context) ShouldBindWith(obj any, b binding.Binding) error {
	if bb, ok := b.(binding.BodyBinding); ok {
		body, err := c.bodyBytes()
		if err != nil {
			return err
		}
		return bb.BindBody(body, obj)
	}
	if b == binding.Form || b == binding.FormPost || b == binding.FormMultipart {
		if err := c.parseForm(); err != nil {
			return err
		}
	}
	return b.Bind(c.Request, obj)
}

// ShouldBindJSON binds the JSON body.
func (c *Context) ShouldBindJSON(obj any) error { return c.ShouldBindWith(obj, binding.JSON) }

// ShouldBindXML binds the XML body.
func (c *Context) ShouldBindXML(obj any) error { return c.ShouldBindWith(obj, binding.XML) }

// ShouldBindQuery binds the URL query (`form` tags).
func (c *Context) ShouldBindQuery(obj any) error { return c.ShouldBindWith(obj, binding.Query) }

// ShouldBindHeader binds request headers (`header` tags).
func (c *Context) ShouldBindHeader(obj any) error { return c.ShouldBindWith(obj, binding.Header) }

// ShouldBindUri binds path parameters (`uri` tags).
func (c *Context) ShouldBindUri(obj any) error {
	m := make(map[string][]string, len(c.Params))
	for _, p := range c.Params {
		m[p.Key] = []string{p.Value}
	}
	return binding.URI(m, obj)
}

// ShouldBindBodyWith is ShouldBindWith; every body binding keeps the body.
func (c *Context) ShouldBindBodyWith(obj any, b binding.Binding) error {
	return c.ShouldBindWith(obj, b)
}

// Bind is ShouldBind that, on error, aborts with 400 (413 for an
// over-limit body) and a JSON {"error": ...} body.
func (c *Context) Bind(obj any) error { return c.MustBindWith(obj, nil) }

// BindJSON is Bind for JSON.
func (c *Context) BindJSON(obj any) error { return c.MustBindWith(obj, binding.JSON) }

// BindXML is Bind for XML.
func (c *Context) BindXML(obj any) error { return c.MustBindWith(obj, binding.XML) }

// BindQuery is Bind for the URL query.
func (c *Context) BindQuery(obj any) error { return c.MustBindWith(obj, binding.Query) }

// BindHeader is Bind for headers.
func (c *Context) BindHeader(obj any) error { return c.MustBindWith(obj, binding.Header) }

// BindUri is Bind for path parameters.
func (c *Context) BindUri(obj any) error { return c.abortOnBindError(c.ShouldBindUri(obj)) }

// MustBindWith binds with b (nil: chosen by Content-Type), aborting on error.
func (c *Context) MustBindWith(obj any, b binding.Binding) error {
	if b == nil {
		return c.abortOnBindError(c.ShouldBind(obj))
	}
	return c.abortOnBindError(c.ShouldBindWith(obj, b))
}

// abortOnBindError answers a binding error: 413 for an over-limit body,
// 500 (details in c.Errors only) for a bad bind target, which is the
// server's bug, else 400 naming the field and rule, never Go types.
func (c *Context) abortOnBindError(err error) error {
	if err == nil {
		return nil
	}
	c.Error(err).Type = ErrorTypeBind
	var tooBig *http.MaxBytesError
	var invalid *binding.ValidationError
	switch {
	case errors.As(err, &tooBig):
		c.AbortWithStatusJSON(http.StatusRequestEntityTooLarge, H{"error": "request body too large"})
	case errors.Is(err, binding.ErrBadTarget):
		c.AbortWithStatusJSON(http.StatusInternalServerError, H{"error": "internal server error"})
	case errors.As(err, &invalid):
		c.AbortWithStatusJSON(http.StatusBadRequest, H{"error": err.Error(), "fields": invalid.Fields})
	default:
		c.AbortWithStatusJSON(http.StatusBadRequest, H{"error": err.Error()})
	}
	return err
}
