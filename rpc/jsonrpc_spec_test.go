package rpc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
)

// Spec implements the methods of the JSON-RPC 2.0 specification's examples.
type Spec struct{ notified atomic.Int64 }

// Operands takes subtract's params by position ([minuend, subtrahend]) or
// by name, as the specification's examples do.
type Operands struct{ Minuend, Subtrahend int }

func (o *Operands) UnmarshalJSON(b []byte) error {
	var pos []int
	if err := json.Unmarshal(b, &pos); err == nil {
		if len(pos) != 2 {
			return fmt.Errorf("subtract takes 2 operands, got %d", len(pos))
		}
		o.Minuend, o.Subtrahend = pos[0], pos[1]
		return nil
	}
	var named struct{ Minuend, Subtrahend *int }
	if err := json.Unmarshal(b, &named); err != nil || named.Minuend == nil || named.Subtrahend == nil {
		return errors.New(`subtract takes [minuend, subtrahend] or {"minuend", "subtrahend"}`)
	}
	o.Minuend, o.Subtrahend = *named.Minuend, *named.Subtrahend
	return nil
}

func (*Spec) Subtract(ctx context.Context, o Operands, r *int) error {
	*r = o.Minuend - o.Subtrahend
	return nil
}

func (*Spec) Sum(ctx context.Context, xs []int, r *int) error {
	for _, x := range xs {
		*r += x
	}
	return nil
}

func (s *Spec) Update(ctx context.Context, xs []int, r *int) error {
	s.notified.Add(1)
	return nil
}

func (s *Spec) Hello(ctx context.Context, xs []int, r *int) error {
	s.notified.Add(1)
	return nil
}

func (*Spec) GetData(ctx context.Context, _ int, r *[]any) error {
	*r = []any{"hello", 5}
	return nil
}

func specServer(t *testing.T) (*Server, *Spec) {
	s := NewServer(WithLogger(quietLogger()), WithJSONRPCMethods(map[string]string{
		"subtract": "Spec.Subtract", "sum": "Spec.Sum", "update": "Spec.Update",
		"notify_hello": "Spec.Hello", "notify_sum": "Spec.Sum", "get_data": "Spec.GetData",
	}))
	spec := &Spec{}
	if err := s.Register(spec); err != nil {
		t.Fatal(err)
	}
	if err := s.Register(&Arith{}); err != nil {
		t.Fatal(err)
	}
	return s, spec
}

// postSpec sends body and returns the reply body ("" when nothing was
// returned, which over HTTP is 204 No Content).
func postSpec(t *testing.T, s *Server, body string) string {
	t.Helper()
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body)))
	if w.Code == http.StatusNoContent {
		if w.Body.Len() != 0 {
			t.Fatalf("204 with a body: %q", w.Body.String())
		}
		return ""
	}
	if w.Code != http.StatusOK {
		t.Fatalf("status %d for %s", w.Code, body)
	}
	return w.Body.String()
}

// canonical re-encodes JSON so member order and spacing do not matter; a
// batch reply's order does not matter either (the spec allows any).
func canonical(t *testing.T, s string) string {
	t.Helper()
	if s == "" {
		return ""
	}
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("reply is not JSON: %q", s)
	}
	v = stripData(v)
	if arr, ok := v.([]any); ok {
		parts := make([]string, len(arr))
		for i, e := range arr {
			b, _ := json.Marshal(e)
			parts[i] = string(b)
		}
		sort.Strings(parts)
		return "[" + strings.Join(parts, ",") + "]"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// stripData drops error.data, which the spec leaves to the server.
func stripData(v any) any {
	switch x := v.(type) {
	case []any:
		for i := range x {
			x[i] = stripData(x[i])
		}
	case map[string]any:
		if e, ok := x["error"].(map[string]any); ok {
			delete(e, "data")
		}
	}
	return v
}

// TestJSONRPCSpecExamples replays every example of section 7 ("Examples")
// of the JSON-RPC 2.0 specification ("-->" sent, "<--" expected; an
// empty expectation is "nothing is returned").
func TestJSONRPCSpecExamples(t *testing.T) {
	s, spec := specServer(t)
	cases := []struct{ name, req, want string }{
		{"positional 1", `{"jsonrpc": "2.0", "method": "subtract", "params": [42, 23], "id": 1}`,
			`{"jsonrpc": "2.0", "result": 19, "id": 1}`},
		{"positional 2", `{"jsonrpc": "2.0", "method": "subtract", "params": [23, 42], "id": 2}`,
			`{"jsonrpc": "2.0", "result": -19, "id": 2}`},
		{"named 1", `{"jsonrpc": "2.0", "method": "subtract", "params": {"subtrahend": 23, "minuend": 42}, "id": 3}`,
			`{"jsonrpc": "2.0", "result": 19, "id": 3}`},
		{"named 2", `{"jsonrpc": "2.0", "method": "subtract", "params": {"minuend": 42, "subtrahend": 23}, "id": 4}`,
			`{"jsonrpc": "2.0", "result": 19, "id": 4}`},
		{"notification 1", `{"jsonrpc": "2.0", "method": "update", "params": [1,2,3,4,5]}`, ``},
		{"notification 2", `{"jsonrpc": "2.0", "method": "foobar"}`, ``},
		{"non-existent method", `{"jsonrpc": "2.0", "method": "foobar", "id": "1"}`,
			`{"jsonrpc": "2.0", "error": {"code": -32601, "message": "Method not found"}, "id": "1"}`},
		{"invalid JSON", `{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]`,
			`{"jsonrpc": "2.0", "error": {"code": -32700, "message": "Parse error"}, "id": null}`},
		{"invalid Request object", `{"jsonrpc": "2.0", "method": 1, "params": "bar"}`,
			`{"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null}`},
		{"batch, invalid JSON", `[
  {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
  {"jsonrpc": "2.0", "method"
]`, `{"jsonrpc": "2.0", "error": {"code": -32700, "message": "Parse error"}, "id": null}`},
		{"empty Array", `[]`,
			`{"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null}`},
		{"invalid batch, not empty", `[1]`,
			`[{"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null}]`},
		{"invalid batch", `[1,2,3]`, `[
  {"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null},
  {"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null},
  {"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null}
]`},
		{"batch", `[
  {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
  {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]},
  {"jsonrpc": "2.0", "method": "subtract", "params": [42,23], "id": "2"},
  {"foo": "boo"},
  {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},
  {"jsonrpc": "2.0", "method": "get_data", "id": "9"}
]`, `[
  {"jsonrpc": "2.0", "result": 7, "id": "1"},
  {"jsonrpc": "2.0", "result": 19, "id": "2"},
  {"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null},
  {"jsonrpc": "2.0", "error": {"code": -32601, "message": "Method not found"}, "id": "5"},
  {"jsonrpc": "2.0", "result": ["hello", 5], "id": "9"}
]`},
		{"batch, all notifications", `[
  {"jsonrpc": "2.0", "method": "notify_sum", "params": [1,2,4]},
  {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]}
]`, ``},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got, want := canonical(t, postSpec(t, s, tc.req)), canonical(t, tc.want); got != want {
				t.Fatalf("sent %s\n got %s\nwant %s", tc.req, got, want)
			}
		})
	}
	if n := spec.notified.Load(); n != 3 { // update, notify_hello twice: notifications do run
		t.Fatalf("%d notifications ran, want 3", n)
	}
}

// TestJSONRPCRules covers the specification's rules beyond its examples.
func TestJSONRPCRules(t *testing.T) {
	s, _ := specServer(t)
	invalid := `{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request"},"id":null}`
	// When the id itself is valid it is echoed: the client can match the error.
	invalid1 := strings.Replace(invalid, "null", "1", 1)
	cases := []struct{ name, req, want string }{
		// Notifications never get a reply, whatever goes wrong.
		{"notification of unknown method", `{"jsonrpc":"2.0","method":"nope","params":[1]}`, ``},
		{"notification with bad params", `{"jsonrpc":"2.0","method":"sum","params":{"x":"y"}}`, ``},
		{"notification whose method fails", `{"jsonrpc":"2.0","method":"Arith.Fail","params":["boom"]}`, ``},
		{"notifications with errors in a batch", `[{"jsonrpc":"2.0","method":"nope"},{"jsonrpc":"2.0","method":"sum","params":"x1"},{"jsonrpc":"2.0","method":"sum","params":[1],"id":1}]`,
			`[{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request"},"id":null},{"jsonrpc":"2.0","result":1,"id":1}]`},
		// id: string, number or null only.
		{"id null", `{"jsonrpc":"2.0","method":"sum","params":[2],"id":null}`, `{"jsonrpc":"2.0","result":2,"id":null}`},
		{"id fractional", `{"jsonrpc":"2.0","method":"sum","params":[2],"id":1.5}`, `{"jsonrpc":"2.0","result":2,"id":1.5}`},
		{"id object", `{"jsonrpc":"2.0","method":"sum","params":[2],"id":{}}`, invalid},
		{"id array", `{"jsonrpc":"2.0","method":"sum","params":[2],"id":[1]}`, invalid},
		{"id bool", `{"jsonrpc":"2.0","method":"sum","params":[2],"id":true}`, invalid},
		// Valid JSON that is not a request object.
		{"method not a string", `{"method":1}`, invalid},
		{"number", `1`, invalid},
		{"string", `"x"`, invalid},
		{"null", `null`, invalid},
		{"nested batch", `[[]]`, "[" + invalid + "]"},
		// Member names and the version are exact.
		{"Method capitalised", `{"jsonrpc":"2.0","Method":"sum","params":[1],"id":1}`, invalid1},
		{"JSONRPC capitalised", `{"JSONRPC":"2.0","method":"sum","params":[1],"id":1}`, invalid1},
		{"Params capitalised", `{"jsonrpc":"2.0","method":"sum","Params":[5],"id":1}`, `{"jsonrpc":"2.0","result":0,"id":1}`},
		{"version as number", `{"jsonrpc":2.0,"method":"sum","params":[1],"id":1}`, invalid1},
		{"version 1.0", `{"jsonrpc":"1.0","method":"sum","params":[1],"id":1}`, invalid1},
		{"version missing", `{"method":"sum","params":[1],"id":1}`, invalid1},
		{"params not structured", `{"jsonrpc":"2.0","method":"sum","params":3,"id":1}`, invalid1},
		{"bad params", `{"jsonrpc":"2.0","method":"sum","params":{"a":1},"id":7}`,
			`{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params"},"id":7}`},
		{"method error", `{"jsonrpc":"2.0","method":"Arith.Fail","params":["boom"],"id":8}`,
			`{"jsonrpc":"2.0","error":{"code":-32000,"message":"boom"},"id":8}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got, want := canonical(t, postSpec(t, s, tc.req)), canonical(t, tc.want); got != want {
				t.Fatalf("sent %s\n got %s\nwant %s", tc.req, got, want)
			}
		})
	}
	// A response has result or error, never both, and always "jsonrpc" and "id".
	var r map[string]any
	json.Unmarshal([]byte(postSpec(t, s, `{"jsonrpc":"2.0","method":"sum","params":[],"id":"z"}`)), &r)
	if _, ok := r["error"]; ok || !reflect.DeepEqual(r["result"], 0.0) || r["jsonrpc"] != "2.0" || r["id"] != "z" {
		t.Fatalf("success response %v", r)
	}
}

// A batch of many tiny elements is refused by the decoding budget rather
// than expanded into one slice header (and one call) per two bytes.
func TestJSONRPCBatchWithinBudget(t *testing.T) {
	s, _ := specServer(t)
	s.maxFrame = 1 << 20
	body := "[" + strings.Repeat("1,", 300_000) + "1]"
	got := postSpec(t, s, body)
	if !strings.Contains(got, `"code":-32600`) || !strings.Contains(got, "too large for its input") || strings.HasPrefix(got, "[") {
		t.Fatalf("huge batch: %.200s", got)
	}
}
