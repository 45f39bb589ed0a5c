// Package middleware holds Gee web's stock middleware: Logger, Recovery,
// RequestID, CORS, Gzip, Timeout, BodyLimit and BasicAuth.
package middleware

import "github.com/gee-project/gee/web"

// Logger logs one log/slog record per request (see web.Logger).
func Logger(cfg *web.LoggerConfig) web.HandlerFunc { return web.Logger(cfg) }

// Recovery turns panics into 500s, logging the stack (see web.Recovery).
func Recovery(cfg *web.RecoveryConfig) web.HandlerFunc { return web.Recovery(cfg) }
