package rpc

import (
	"html/template"
	"net/http"
	"sort"
	"time"
)

// MethodStats is a snapshot of one method's counters.
type MethodStats struct {
	Service, Method string
	Calls, Errors   uint64
	AvgLatency      time.Duration
}

// Stats returns a snapshot of every method's counters, sorted by name.
func (s *Server) Stats() []MethodStats {
	var out []MethodStats
	for _, m := range *s.methods.Load() {
		st := MethodStats{Service: m.service, Method: m.name, Calls: m.calls.Load(), Errors: m.errors.Load()}
		if st.Calls > 0 {
			st.AvgLatency = time.Duration(m.nanos.Load() / st.Calls)
		}
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Service+"."+out[i].Method < out[j].Service+"."+out[j].Method
	})
	return out
}

var debugPage = template.Must(template.New("debug").Parse(`<!DOCTYPE html>
<html><head><title>GeeRPC services</title></head><body>
<h1>GeeRPC services</h1>
<table border="1" cellpadding="4">
<tr><th>Service</th><th>Method</th><th>Calls</th><th>Errors</th><th>Avg latency</th></tr>
{{range .}}<tr><td>{{.Service}}</td><td>{{.Method}}</td><td>{{.Calls}}</td><td>{{.Errors}}</td><td>{{.AvgLatency}}</td></tr>
{{end}}</table></body></html>
`))

func (s *Server) serveDebug(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := debugPage.Execute(w, s.Stats()); err != nil {
		s.log.Error("geerpc: debug page", "err", err)
	}
}
