package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"runtime/debug"
	"syscall"
)

// RecoveryConfig configures Recovery.
type RecoveryConfig struct {
	// Logger receives the panic and its stack; default: text to stderr.
	Logger *slog.Logger
	// Handle, if set, writes the response instead of the plain 500.
	Handle func(c *Context, recovered any)
}

// Recovery turns a handler panic into a 500 response. The panic value and
// stack go to the log only, never to the client. A broken connection (the
// client went away) is logged without a stack and answered with nothing.
func Recovery(cfg *RecoveryConfig) HandlerFunc {
	var conf RecoveryConfig
	if cfg != nil {
		conf = *cfg
	}
	log := conf.Logger
	if log == nil {
		log = slog.New(newTextHandler(os.Stderr, slog.LevelInfo))
	}
	return func(c *Context) {
		defer func() {
			rec := recover()
			if rec == nil {
				return
			}
			if rec == http.ErrAbortHandler {
				panic(rec) // net/http's own signal to drop the connection
			}
			if brokenPipe(rec) {
				log.Warn("client connection lost", "method", c.Request.Method, "path", c.Request.URL.Path, "error", fmt.Sprint(rec))
				c.Abort()
				return
			}
			log.Error("panic recovered", "method", c.Request.Method, "path", c.Request.URL.Path,
				"panic", fmt.Sprint(rec), "stack", string(debug.Stack()))
			if conf.Handle != nil {
				conf.Handle(c, rec)
				c.Abort()
				return
			}
			c.Abort()
			if !c.Writer.Written() {
				c.Writer.Header().Del("Content-Encoding")
				c.String(http.StatusInternalServerError, "500 internal server error")
			}
		}()
		c.Next()
	}
}

func brokenPipe(rec any) bool {
	err, ok := rec.(error)
	return ok && (errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET))
}
