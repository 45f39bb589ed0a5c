package rpc

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
)

// JSON-RPC 2.0 error codes.
const (
	codeParse          = -32700
	codeInvalidRequest = -32600
	codeNoMethod       = -32601
	codeInvalidParams  = -32602
	codeServer         = -32000
)

type jsonRequest struct {
	Version string          `json:"jsonrpc"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params"`
	ID      json.RawMessage `json:"id"`
}

type jsonError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

type jsonResponse struct {
	Version string          `json:"jsonrpc"`
	Result  any             `json:"result,omitempty"`
	Error   *jsonError      `json:"error,omitempty"`
	ID      json.RawMessage `json:"id"`
}

// serveJSONRPC answers a JSON-RPC 2.0 request or batch. params is the
// argument object itself, or an array holding it (net/rpc/jsonrpc style).
func (s *Server) serveJSONRPC(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, int64(s.maxFrame)+1))
	w.Header().Set("Content-Type", "application/json")
	if err != nil || len(body) > s.maxFrame {
		writeJSON(w, errResponse(nil, codeParse, fmt.Sprintf("reading body: too large or unreadable (limit %d bytes)", s.maxFrame)))
		return
	}
	body = bytes.TrimSpace(body)
	if len(body) > 0 && body[0] == '[' {
		var batch []json.RawMessage
		if err := json.Unmarshal(body, &batch); err != nil {
			writeJSON(w, errResponse(nil, codeParse, err.Error()))
			return
		}
		if len(batch) == 0 {
			writeJSON(w, errResponse(nil, codeInvalidRequest, "empty batch"))
			return
		}
		var out []*jsonResponse
		for _, raw := range batch {
			if resp := s.jsonCall(r.Context(), raw); resp != nil {
				out = append(out, resp)
			}
		}
		if len(out) == 0 {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		writeJSON(w, out)
		return
	}
	if resp := s.jsonCall(r.Context(), body); resp != nil {
		writeJSON(w, resp)
	} else {
		w.WriteHeader(http.StatusNoContent) // a notification gets no response
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	_ = json.NewEncoder(w).Encode(v)
}

func errResponse(id json.RawMessage, code int, msg string) *jsonResponse {
	if id == nil {
		id = json.RawMessage("null")
	}
	return &jsonResponse{Version: "2.0", Error: &jsonError{Code: code, Message: msg}, ID: id}
}

// jsonCall runs one request; nil means it was a notification.
func (s *Server) jsonCall(ctx context.Context, raw []byte) *jsonResponse {
	var req jsonRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		return errResponse(nil, codeParse, err.Error())
	}
	if req.Version != "2.0" || req.Method == "" {
		return errResponse(req.ID, codeInvalidRequest, `want "jsonrpc":"2.0" and a method`)
	}
	m := (*s.methods.Load())[req.Method]
	if m == nil {
		return errResponse(req.ID, codeNoMethod, fmt.Sprintf("method %q not found", req.Method))
	}
	argp := m.newArgs()
	if err := decodeParams(req.Params, argp); err != nil {
		return errResponse(req.ID, codeInvalidParams, err.Error())
	}
	replyp := m.newReply()
	s.active.Add(1)
	var err error
	if s.closing.Load() {
		err = ErrServerShuttingDown
	} else {
		err = s.invoke(ctx, m, m.full, argp, replyp)
	}
	s.active.Add(-1)
	if req.ID == nil {
		return nil
	}
	if err != nil {
		return errResponse(req.ID, codeServer, err.Error())
	}
	return &jsonResponse{Version: "2.0", Result: replyp.Interface(), ID: req.ID}
}

func decodeParams(params json.RawMessage, argp reflect.Value) error {
	p := bytes.TrimSpace(params)
	if len(p) == 0 || string(p) == "null" {
		return nil
	}
	if p[0] == '[' && argp.Elem().Kind() != reflect.Slice && argp.Elem().Kind() != reflect.Array {
		var arr []json.RawMessage
		if err := json.Unmarshal(p, &arr); err != nil {
			return err
		}
		if len(arr) != 1 {
			return fmt.Errorf("params array must hold exactly 1 value, got %d", len(arr))
		}
		p = arr[0]
	}
	return json.Unmarshal(p, argp.Interface())
}
