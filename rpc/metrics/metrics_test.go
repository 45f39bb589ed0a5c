package metrics

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/gee-project/gee/rpc"
)

type Calc struct{}

func (Calc) Double(ctx context.Context, x int, r *int) error { *r = 2 * x; return nil }
func (Calc) Fail(ctx context.Context, x int, r *int) error   { return errors.New("no") }

func serve(t testing.TB, opts ...rpc.ServerOption) string {
	s := rpc.NewServer(append(opts, rpc.WithLogger(slog.New(slog.DiscardHandler)))...)
	if err := s.Register(Calc{}); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(l)
	t.Cleanup(func() { s.Close() })
	return l.Addr().String()
}

func scrape(t *testing.T, reg *prometheus.Registry) string {
	w := httptest.NewRecorder()
	promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	return w.Body.String()
}

func TestPrometheusText(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := New(reg)
	if err != nil {
		t.Fatal(err)
	}
	addr := serve(t, rpc.WithServerInterceptors(m.Server()))
	c, err := rpc.Dial("tcp", addr, rpc.WithClientInterceptors(m.Client()))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var r int
	for i := 0; i < 3; i++ {
		if err := c.Call(ctx, "Calc.Double", i, &r); err != nil {
			t.Fatal(err)
		}
	}
	c.Call(ctx, "Calc.Fail", 0, &r)
	text := scrape(t, reg)
	for _, want := range []string{
		`geerpc_server_calls_total{code="ok",method="Calc.Double"} 3`,
		`geerpc_server_calls_total{code="error",method="Calc.Fail"} 1`,
		`geerpc_client_calls_total{code="ok",method="Calc.Double"} 3`,
		`geerpc_client_calls_total{code="error",method="Calc.Fail"} 1`,
		`geerpc_server_call_duration_seconds_count{method="Calc.Double"} 3`,
		`geerpc_client_call_duration_seconds_bucket{method="Calc.Double",le="+Inf"} 3`,
		"# TYPE geerpc_server_call_duration_seconds histogram",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("scrape lacks %s\n%s", want, text)
		}
	}
	if _, err := New(reg); err == nil {
		t.Error("registering twice must fail, not double count")
	}
}

func benchCalls(b *testing.B, sopts []rpc.ServerOption, copts []rpc.DialOption) {
	addr := serve(b, sopts...)
	c, err := rpc.Dial("tcp", addr, copts...)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		var r int
		for pb.Next() {
			if err := c.Call(ctx, "Calc.Double", 21, &r); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkOverhead compares calls without metrics (nothing installed: the
// interceptor chain is empty) and with both interceptors.
func BenchmarkOverhead(b *testing.B) {
	b.Run("off", func(b *testing.B) { benchCalls(b, nil, nil) })
	b.Run("on", func(b *testing.B) {
		m, err := New(prometheus.NewRegistry())
		if err != nil {
			b.Fatal(err)
		}
		benchCalls(b, []rpc.ServerOption{rpc.WithServerInterceptors(m.Server())}, []rpc.DialOption{rpc.WithClientInterceptors(m.Client())})
	})
}
