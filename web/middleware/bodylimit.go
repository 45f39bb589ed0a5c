package middleware

import (
	"net/http"

	"github.com/gee-project/gee/web"
)

// BodyLimit refuses request bodies over n bytes with 413: at once when
// Content-Length says so, else when reading passes the limit (binding then
// answers 413 too). It replaces Engine.MaxBodyBytes for the routes it
// guards, so a route may allow more than the engine's default, or less.
func BodyLimit(n int64) web.HandlerFunc {
	return func(c *web.Context) {
		c.SetBodyLimit(n)
		if c.Request.ContentLength > n {
			c.AbortWithStatusJSON(http.StatusRequestEntityTooLarge, web.H{"error": "request body too large"})
			return
		}
		if c.Request.Body != nil && c.Request.Body != http.NoBody {
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		}
		c.Next()
	}
}
