package middleware

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gee-project/gee/web"
)

// CORSConfig configures CORS.
type CORSConfig struct {
	// AllowOrigins lists allowed origins; "*" allows any.
	AllowOrigins []string
	// AllowMethods defaults to GET, POST, PUT, PATCH, DELETE, HEAD.
	AllowMethods []string
	// AllowHeaders lists request headers allowed in preflight; empty
	// reflects what the preflight asks for.
	AllowHeaders     []string
	ExposeHeaders    []string
	AllowCredentials bool
	// MaxAge is how long (seconds) a preflight may be cached.
	MaxAge int
}

// CORS answers preflight requests (204, aborting the chain) and adds the
// CORS headers to actual requests from allowed origins. With credentials,
// "*" echoes the request origin, as browsers refuse "*" then.
func CORS(cfg CORSConfig) web.HandlerFunc {
	methods := cfg.AllowMethods
	if len(methods) == 0 {
		methods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"}
	}
	allowMethods := strings.Join(methods, ", ")
	allowHeaders := strings.Join(cfg.AllowHeaders, ", ")
	expose := strings.Join(cfg.ExposeHeaders, ", ")
	anyOrigin, allowed := false, map[string]bool{}
	for _, o := range cfg.AllowOrigins {
		if o == "*" {
			anyOrigin = true
		}
		allowed[strings.ToLower(o)] = true
	}
	return func(c *web.Context) {
		origin := c.GetHeader("Origin")
		if origin == "" {
			c.Next()
			return
		}
		h := c.Writer.Header()
		h.Add("Vary", "Origin")
		if !anyOrigin && !allowed[strings.ToLower(origin)] {
			if c.Request.Method == http.MethodOptions && c.GetHeader("Access-Control-Request-Method") != "" {
				c.AbortWithStatus(http.StatusForbidden)
				return
			}
			c.Next()
			return
		}
		if anyOrigin && !cfg.AllowCredentials {
			h.Set("Access-Control-Allow-Origin", "*")
		} else {
			h.Set("Access-Control-Allow-Origin", origin)
		}
		if cfg.AllowCredentials {
			h.Set("Access-Control-Allow-Credentials", "true")
		}
		if c.Request.Method == http.MethodOptions && c.GetHeader("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", allowMethods)
			if allowHeaders != "" {
				h.Set("Access-Control-Allow-Headers", allowHeaders)
			} else if req := c.GetHeader("Access-Control-Request-Headers"); req != "" {
				h.Set("Access-Control-Allow-Headers", req)
			}
			if cfg.MaxAge > 0 {
				h.Set("Access-Control-Max-Age", strconv.Itoa(cfg.MaxAge))
			}
			c.AbortWithStatus(http.StatusNoContent)
			return
		}
		if expose != "" {
			h.Set("Access-Control-Expose-Headers", expose)
		}
		c.Next()
	}
}
