// Package metrics counts GeeRPC calls per method and times them, as
// Prometheus metrics (github.com/prometheus/client_golang). It is optional:
// a server or client without its interceptors pays nothing for it.
//
//	m := metrics.New(prometheus.DefaultRegisterer)
//	s := rpc.NewServer(rpc.WithServerInterceptors(m.Server()))
//	http.Handle("/metrics", promhttp.Handler())
package metrics

import (
	"context"
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gee-project/gee/rpc"
)

// Metrics holds the collectors; one Metrics serves any number of servers
// and clients.
type Metrics struct {
	serverCalls, clientCalls *prometheus.CounterVec
	serverTime, clientTime   *prometheus.HistogramVec
}

// New creates the collectors and registers them with reg:
// geerpc_{server,client}_calls_total{method,code} and
// geerpc_{server,client}_call_duration_seconds{method}. code is "ok",
// "error" (the method's), "canceled", "deadline" or "transport".
func New(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		serverCalls: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "geerpc_server_calls_total",
			Help: "Calls handled by the server, by method and outcome."}, []string{"method", "code"}),
		clientCalls: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "geerpc_client_calls_total",
			Help: "Calls made by clients, by method and outcome."}, []string{"method", "code"}),
		serverTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "geerpc_server_call_duration_seconds",
			Help: "Time in the server's handler, by method.", Buckets: prometheus.ExponentialBuckets(25e-6, 4, 10)}, []string{"method"}),
		clientTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "geerpc_client_call_duration_seconds",
			Help: "Call latency seen by clients, by method.", Buckets: prometheus.ExponentialBuckets(25e-6, 4, 10)}, []string{"method"}),
	}
	for _, c := range []prometheus.Collector{m.serverCalls, m.clientCalls, m.serverTime, m.clientTime} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// Server is the interceptor that records server-side calls (streams
// included: their duration is the stream's lifetime).
func (m *Metrics) Server() rpc.ServerInterceptor {
	return func(ctx context.Context, method string, args, reply any, next rpc.Handler) error {
		start := time.Now()
		err := next(ctx, method, args, reply)
		m.serverTime.WithLabelValues(method).Observe(time.Since(start).Seconds())
		m.serverCalls.WithLabelValues(method, serverCode(err)).Inc()
		return err
	}
}

// Client is the interceptor that records calls made by a client.
func (m *Metrics) Client() rpc.ClientInterceptor {
	return func(ctx context.Context, method string, args, reply any, next rpc.Invoker) error {
		start := time.Now()
		err := next(ctx, method, args, reply)
		m.clientTime.WithLabelValues(method).Observe(time.Since(start).Seconds())
		m.clientCalls.WithLabelValues(method, clientCode(err)).Inc()
		return err
	}
}

func serverCode(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded):
		return "deadline"
	}
	return "error"
}

func clientCode(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded):
		return "deadline"
	case rpc.IsTransportError(err):
		return "transport"
	}
	return "error"
}
