package middleware

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strconv"

	"github.com/gee-project/gee/web"
)

// UserKey is the Context key holding the authenticated user name.
const UserKey = "user"

// BasicAuth requires HTTP Basic credentials from accounts (user →
// password), answering 401 with a WWW-Authenticate challenge otherwise.
// Passwords are compared in constant time over their hashes.
func BasicAuth(realm string, accounts map[string]string) web.HandlerFunc {
	if realm == "" {
		realm = "Authorization Required"
	}
	hashes := make(map[string][32]byte, len(accounts))
	for u, p := range accounts {
		hashes[u] = sha256.Sum256([]byte(p))
	}
	challenge := "Basic realm=" + strconv.Quote(realm)
	return func(c *web.Context) {
		user, pass, ok := c.Request.BasicAuth()
		want, known := hashes[user]
		got := sha256.Sum256([]byte(pass))
		if !ok || subtle.ConstantTimeCompare(want[:], got[:]) != 1 || !known {
			c.Header("WWW-Authenticate", challenge)
			c.AbortWithStatus(http.StatusUnauthorized)
			return
		}
		c.Set(UserKey, user)
		c.Next()
	}
}
