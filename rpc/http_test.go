package rpc

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"testing"
)

// startHTTP serves s's ServeHTTP on 127.0.0.1.
func startHTTP(t *testing.T) (*Server, string) {
	t.Helper()
	s := NewServer(WithLogger(quietLogger()))
	if err := s.Register(&Arith{}); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: s}
	go hs.Serve(l)
	t.Cleanup(func() { hs.Close(); s.Close() })
	return s, l.Addr().String()
}

func TestDialHTTPConnect(t *testing.T) {
	_, addr := startHTTP(t)
	c, err := DialHTTP("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var sum int64
	if err := c.Call(ctxT(t), "Arith.Add", Args{A: 5, B: 6}, &sum); err != nil || sum != 11 {
		t.Fatalf("over CONNECT: %d %v", sum, err)
	}
}

func postJSON(t *testing.T, addr, body string) (int, string) {
	t.Helper()
	resp, err := http.Post("http://"+addr+"/", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestJSONRPC(t *testing.T) {
	_, addr := startHTTP(t)
	cases := []struct{ req, want string }{
		{`{"jsonrpc":"2.0","method":"Arith.Add","params":{"A":1,"B":2},"id":1}`, `{"jsonrpc":"2.0","result":3,"id":1}`},
		{`{"jsonrpc":"2.0","method":"Arith.Echo","params":[{"A":1,"S":"x"}],"id":"a"}`, `{"jsonrpc":"2.0","result":{"A":1,"B":0,"S":"x"},"id":"a"}`},
		{`{"jsonrpc":"2.0","method":"Arith.Fail","params":["nope"],"id":2}`, `{"jsonrpc":"2.0","error":{"code":-32000,"message":"nope"},"id":2}`},
		{`{"jsonrpc":"2.0","method":"Arith.Zip","id":3}`, `{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found","data":"method \"Arith.Zip\" not found"},"id":3}`},
		{`{"jsonrpc":"2.0","method":"Arith.Add","params":{"A":"x"},"id":4}`, `"code":-32602`},
		{`{"method":"Arith.Add","id":5}`, `"code":-32600`},
		{`{not json`, `{"jsonrpc":"2.0","error":{"code":-32700`},
		{`[{"jsonrpc":"2.0","method":"Arith.Add","params":{"A":1,"B":1},"id":1},{"jsonrpc":"2.0","method":"Arith.Add","params":{"A":2}}]`,
			`[{"jsonrpc":"2.0","result":2,"id":1}]`},
	}
	for _, tc := range cases {
		code, got := postJSON(t, addr, tc.req)
		if code != http.StatusOK || !strings.Contains(got, tc.want) {
			t.Errorf("POST %s\n got %d %s\nwant %s", tc.req, code, got, tc.want)
		}
	}
	if code, _ := postJSON(t, addr, `{"jsonrpc":"2.0","method":"Arith.Add","params":{"A":1}}`); code != http.StatusNoContent {
		t.Errorf("notification answered with %d", code)
	}
}

func TestDebugPage(t *testing.T) {
	s, addr := startHTTP(t)
	postJSON(t, addr, `{"jsonrpc":"2.0","method":"Arith.Add","params":{"A":1},"id":1}`)
	postJSON(t, addr, `{"jsonrpc":"2.0","method":"Arith.Fail","params":["x"],"id":1}`)
	resp, err := http.Get("http://" + addr + DefaultDebugPath)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(body)
	if !contains(page, "<td>Arith</td><td>Add</td><td>1</td><td>0</td>", "<td>Fail</td><td>1</td><td>1</td>") {
		t.Fatalf("debug page lacks counts:\n%s", page)
	}
	stats, _ := json.Marshal(s.Stats())
	if !strings.Contains(string(stats), `"Method":"Echo","Calls":0`) {
		t.Fatalf("Stats: %s", stats)
	}
}

func TestJSONRPCWithCurl(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl not installed; TestJSONRPC covers the endpoint with net/http")
	}
	_, addr := startHTTP(t)
	out, err := exec.Command(curl, "-sS", "--max-time", "10", "-H", "Content-Type: application/json",
		"-d", `{"jsonrpc":"2.0","method":"Arith.Add","params":{"A":40,"B":2},"id":7}`, "http://"+addr+"/").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != `{"jsonrpc":"2.0","result":42,"id":7}` {
		t.Fatalf("curl: %v %s", err, out)
	}
}
