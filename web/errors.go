package web

import "strings"

// ErrorType classifies errors attached to a Context.
type ErrorType uint8

const (
	// ErrorTypePrivate errors are for logs only.
	ErrorTypePrivate ErrorType = iota
	// ErrorTypeBind errors come from binding request data.
	ErrorTypeBind
	// ErrorTypePublic errors may be shown to the client.
	ErrorTypePublic
)

// Error is an error collected on a Context.
type Error struct {
	Err  error
	Type ErrorType
	Meta any
}

func (e *Error) Error() string { return e.Err.Error() }

// Unwrap returns the wrapped error.
func (e *Error) Unwrap() error { return e.Err }

// ErrorList is the errors collected during one request.
type ErrorList []*Error

// Last returns the most recent error, or nil.
func (l ErrorList) Last() *Error {
	if len(l) == 0 {
		return nil
	}
	return l[len(l)-1]
}

// String joins the errors, one per line.
func (l ErrorList) String() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Error attaches err to the request (for logging middleware) and returns
// it wrapped, so a type or meta can be set. A nil err is ignored.
func (c *Context) Error(err error) *Error {
	if err == nil {
		return nil
	}
	e, ok := err.(*Error)
	if !ok {
		e = &Error{Err: err, Type: ErrorTypePrivate}
	}
	c.Errors = append(c.Errors, e)
	return e
}
