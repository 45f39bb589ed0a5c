package rpc

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"

	"github.com/gee-project/gee/rpc/codec"
)

// JSON-RPC 2.0 error codes; the messages are the specification's.
const (
	codeParse          = -32700
	codeInvalidRequest = -32600
	codeNoMethod       = -32601
	codeInvalidParams  = -32602
	codeServer         = -32000 // the method returned an error
	codeUnavailable    = -32001 // overloaded or shutting down; the method did not run
)

var codeMessages = map[int]string{codeParse: "Parse error", codeInvalidRequest: "Invalid Request",
	codeNoMethod: "Method not found", codeInvalidParams: "Invalid params"}

// WithJSONRPCMethods maps JSON-RPC method names to registered
// "Service.Method" names, for clients that expect names such as "subtract".
// Registered names stay callable as they are.
func WithJSONRPCMethods(aliases map[string]string) ServerOption {
	return func(s *Server) {
		if s.jsonAliases == nil {
			s.jsonAliases = map[string]string{}
		}
		for k, v := range aliases {
			s.jsonAliases[k] = v
		}
	}
}

type jsonError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    string `json:"data,omitempty"`
}

type jsonResponse struct {
	Version string          `json:"jsonrpc"`
	Result  any             `json:"result,omitempty"`
	Error   *jsonError      `json:"error,omitempty"`
	ID      json.RawMessage `json:"id"`
}

// serveJSONRPC answers a JSON-RPC 2.0 request or batch. Nothing is returned
// (HTTP 204) when every request was a notification.
func (s *Server) serveJSONRPC(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, int64(s.maxFrame)+1))
	w.Header().Set("Content-Type", "application/json")
	if err != nil || len(body) > s.maxFrame {
		writeJSON(w, errResponse(nil, codeParse, fmt.Sprintf("body too large or unreadable (limit %d bytes)", s.maxFrame)))
		return
	}
	body = bytes.TrimSpace(body)
	if !json.Valid(body) {
		writeJSON(w, errResponse(nil, codeParse, ""))
		return
	}
	var out any
	if body[0] == '[' {
		var batch []json.RawMessage
		if err := codecJSON.Unmarshal(body, &batch); err != nil { // valid JSON: only the budget can fail
			writeJSON(w, errResponse(nil, codeInvalidRequest, err.Error()))
			return
		}
		if len(batch) == 0 {
			out = errResponse(nil, codeInvalidRequest, "empty batch")
		} else {
			var resps []*jsonResponse
			for _, raw := range batch {
				if resp := s.jsonCall(r.Context(), raw); resp != nil {
					resps = append(resps, resp)
				}
			}
			if resps != nil {
				out = resps
			}
		}
	} else if resp := s.jsonCall(r.Context(), body); resp != nil {
		out = resp
	}
	if out == nil {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeJSON(w, out)
}

func writeJSON(w http.ResponseWriter, v any) {
	_ = json.NewEncoder(w).Encode(v)
}

func errResponse(id json.RawMessage, code int, data string) *jsonResponse {
	if id == nil {
		id = json.RawMessage("null")
	}
	msg := codeMessages[code]
	if msg == "" {
		msg, data = data, ""
	}
	return &jsonResponse{Version: "2.0", Error: &jsonError{Code: code, Message: msg, Data: data}, ID: id}
}

// jsonRequest is a request object checked member by member: names are
// case-sensitive, so it is read as a map rather than a struct (whose
// decoding would match "Method" to method).
type jsonRequest struct {
	method string
	params json.RawMessage
	id     json.RawMessage // nil: a notification
}

// parseJSONRequest validates one request object; a non-nil error response
// means it is invalid (and is answered even without an id).
func parseJSONRequest(raw []byte) (jsonRequest, *jsonResponse) {
	var req jsonRequest
	var m map[string]json.RawMessage
	if len(raw) == 0 || raw[0] != '{' {
		return req, errResponse(nil, codeInvalidRequest, "not a request object")
	}
	if err := codecJSON.Unmarshal(raw, &m); err != nil {
		return req, errResponse(nil, codeInvalidRequest, err.Error())
	}
	if id, ok := m["id"]; ok {
		if c := id[0]; c != '"' && c != '-' && (c < '0' || c > '9') && string(id) != "null" {
			return req, errResponse(nil, codeInvalidRequest, "id must be a string, number or null")
		}
		req.id = id
	}
	if v := m["jsonrpc"]; string(v) != `"2.0"` {
		return req, errResponse(req.id, codeInvalidRequest, `"jsonrpc" must be "2.0"`)
	}
	if v := m["method"]; len(v) == 0 || v[0] != '"' || json.Unmarshal(v, &req.method) != nil {
		return req, errResponse(req.id, codeInvalidRequest, `"method" must be a string`)
	}
	if p, ok := m["params"]; ok {
		if p[0] != '[' && p[0] != '{' {
			return req, errResponse(req.id, codeInvalidRequest, `"params" must be an array or object`)
		}
		req.params = p
	}
	return req, nil
}

// jsonCall runs one request; nil means nothing is returned (a notification).
func (s *Server) jsonCall(ctx context.Context, raw []byte) *jsonResponse {
	req, bad := parseJSONRequest(raw)
	if bad != nil {
		return bad
	}
	resp := s.jsonRun(ctx, &req)
	if req.id == nil {
		return nil // notifications are never answered, not even with errors
	}
	return resp
}

func (s *Server) jsonRun(ctx context.Context, req *jsonRequest) *jsonResponse {
	name := req.method
	if alias, ok := s.jsonAliases[name]; ok {
		name = alias
	}
	m := (*s.methods.Load())[name]
	if m == nil || m.stream { // streams need a GeeRPC connection
		return errResponse(req.id, codeNoMethod, fmt.Sprintf("method %q not found", req.method))
	}
	argp := m.newArgs()
	if err := decodeParams(req.params, argp); err != nil {
		return errResponse(req.id, codeInvalidParams, err.Error())
	}
	replyp := m.newReply()
	var err error
	n := s.active.Add(1)
	switch {
	case s.closing.Load():
		err = ErrServerShuttingDown
	case over(n, s.lim.maxCalls):
		err = ErrServerOverloaded
	default:
		err = s.invoke(ctx, m, m.full, argp, replyp)
	}
	s.active.Add(-1)
	switch {
	case err == ErrServerShuttingDown || err == ErrServerOverloaded:
		return errResponse(req.id, codeUnavailable, err.Error())
	case err != nil:
		return errResponse(req.id, codeServer, err.Error())
	}
	return &jsonResponse{Version: "2.0", Result: replyp.Interface(), ID: req.id}
}

var codecJSON codec.JSON // budget-checked decoding

var typeJSONUnmarshaler = reflect.TypeFor[json.Unmarshaler]()

// decodeParams fills the argument from params: an array is the argument
// itself when the argument is a list or decodes itself, else it must hold
// exactly the argument (net/rpc/jsonrpc style); an object is the argument.
func decodeParams(p json.RawMessage, argp reflect.Value) error {
	if len(p) == 0 {
		return nil
	}
	k := argp.Elem().Kind()
	if p[0] == '[' && k != reflect.Slice && k != reflect.Array && !argp.Type().Implements(typeJSONUnmarshaler) {
		var arr []json.RawMessage
		if err := json.Unmarshal(p, &arr); err != nil {
			return err
		}
		if len(arr) != 1 {
			return fmt.Errorf("params array must hold exactly 1 value, got %d", len(arr))
		}
		p = arr[0]
	}
	return codecJSON.Unmarshal(p, argp.Interface())
}
