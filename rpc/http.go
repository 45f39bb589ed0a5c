package rpc

import (
	"io"
	"net/http"
)

// Paths served by Server.ServeHTTP.
const (
	DefaultRPCPath   = "/_geerpc_"     // HTTP CONNECT tunnel for GeeRPC connections
	DefaultDebugPath = "/debug/geerpc" // HTML page of services and statistics
)

// ServeHTTP makes the Server an http.Handler: CONNECT on DefaultRPCPath
// tunnels a GeeRPC connection, GET DefaultDebugPath shows the debug page and
// POST (any path) is JSON-RPC 2.0.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodConnect:
		s.serveConnect(w, r)
	case r.Method == http.MethodGet && r.URL.Path == DefaultDebugPath:
		s.serveDebug(w)
	case r.Method == http.MethodPost:
		s.serveJSONRPC(w, r)
	default:
		w.Header().Set("Allow", "CONNECT, GET, POST")
		http.Error(w, "geerpc: use CONNECT "+DefaultRPCPath+", GET "+DefaultDebugPath+" or POST JSON-RPC 2.0", http.StatusMethodNotAllowed)
	}
}

func (s *Server) serveConnect(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != DefaultRPCPath && r.RequestURI != DefaultRPCPath {
		http.Error(w, "geerpc: CONNECT only on "+DefaultRPCPath, http.StatusNotFound)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "geerpc: connection cannot be hijacked", http.StatusInternalServerError)
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		s.log.Error("geerpc: hijacking the connection", "remote", r.RemoteAddr, "err", err)
		return
	}
	_, _ = io.WriteString(conn, "HTTP/1.0 200 Connected to GeeRPC\r\n\r\n")
	s.ServeConn(&bufferedConn{Conn: conn, r: buf.Reader})
}
