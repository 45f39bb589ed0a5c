package scheduler

import (
	"errors"
	"fmt"

	pb "github.com/gee-project/gee/kv/proto/schedulerpb"
	"github.com/gee-project/gee/kv/scheduler/core"
)

// Error is a scheduler error with its wire type.
type Error struct {
	Type pb.ErrorType
	Msg  string
}

func (e *Error) Error() string { return e.Type.String() + ": " + e.Msg }

func errorf(t pb.ErrorType, format string, args ...any) *Error {
	return &Error{Type: t, Msg: fmt.Sprintf(format, args...)}
}

var (
	errNotBootstrapped = errorf(pb.ErrorType_NOT_BOOTSTRAPPED, "cluster is not bootstrapped")
	errClosing         = errorf(pb.ErrorType_UNAVAILABLE, "scheduler is shutting down")
)

// typed maps an error from core or storage to a wire error.
func typed(err error) *Error {
	var e *Error
	var wt interface{ ErrorType() pb.ErrorType } // errors from the scheduling policies
	switch {
	case errors.As(err, &e):
		return e
	case errors.As(err, &wt):
		return errorf(wt.ErrorType(), "%v", err)
	case errors.Is(err, core.ErrStaleEpoch), errors.Is(err, core.ErrStaleRegion):
		return errorf(pb.ErrorType_STALE_REGION, "%v", err)
	case errors.Is(err, core.ErrInvalidRegion), errors.Is(err, core.ErrInvalidStore):
		return errorf(pb.ErrorType_INVALID_ARGUMENT, "%v", err)
	case errors.Is(err, core.ErrStoreNotFound):
		return errorf(pb.ErrorType_STORE_NOT_FOUND, "%v", err)
	case errors.Is(err, core.ErrStoreTombstone):
		return errorf(pb.ErrorType_STORE_TOMBSTONE, "%v", err)
	default:
		return errorf(pb.ErrorType_UNAVAILABLE, "%v", err)
	}
}

// header returns a response header, with err (if non-nil) as its typed error.
func (s *Server) header(err error) *pb.ResponseHeader {
	h := &pb.ResponseHeader{ClusterId: s.clusterID}
	if err != nil {
		e := typed(err)
		h.Error = &pb.Error{Type: e.Type, Message: e.Msg}
	}
	return h
}

// check validates a request header and that the server is open; with boot, also bootstrapped.
func (s *Server) check(h *pb.RequestHeader, boot bool) error {
	if id := h.GetClusterId(); id != 0 && id != s.clusterID {
		return errorf(pb.ErrorType_CLUSTER_MISMATCH, "request for cluster %d, this is cluster %d", id, s.clusterID)
	}
	if boot && !s.bootstrapped.Load() {
		return errNotBootstrapped
	}
	return nil
}
