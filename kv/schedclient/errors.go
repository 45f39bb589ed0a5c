package schedclient

import (
	"errors"

	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
)

// Error is an error the scheduler answered with (the response header's error).
type Error struct {
	Type pb.ErrorType
	Msg  string
}

func (e *Error) Error() string { return "scheduler: " + e.Type.String() + ": " + e.Msg }

// IsType reports whether err is a scheduler error of type t.
func IsType(err error, t pb.ErrorType) bool {
	var e *Error
	return errors.As(err, &e) && e.Type == t
}

// ErrRegionNotFound: the scheduler knows no region for that key or id (yet: a range is
// unresolved until its region reports).
var ErrRegionNotFound = errors.New("schedclient: region not found")

func headerError(h *pb.ResponseHeader) *Error {
	if e := h.GetError(); e != nil && e.GetType() != pb.ErrorType_OK {
		return &Error{Type: e.GetType(), Msg: e.GetMessage()}
	}
	return nil
}
