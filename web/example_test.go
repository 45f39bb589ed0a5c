package web_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/gee-project/gee/web"
	"github.com/gee-project/gee/web/middleware"
)

// Example is the README's web snippet: typed params, a group with
// middleware, JSON answers. It serves through httptest instead of web.Run.
func Example() {
	e := web.New() // web.Default() adds the Logger and Recovery middleware
	e.GET("/users/{id:int}", func(c *web.Context) { c.JSON(200, web.H{"id": c.Param("id")}) })
	api := e.Group("/api", middleware.RequestID())
	api.POST("/notes", func(c *web.Context) { c.String(201, "created") })
	// web.Run(ctx, "127.0.0.1:8080", e) serves until ctx ends or SIGINT/SIGTERM, then shuts down gracefully.

	srv := httptest.NewServer(e)
	defer srv.Close()
	for _, req := range []struct{ method, path string }{
		{"GET", "/users/42"}, {"GET", "/users/ada"}, {"POST", "/api/notes"}, {"DELETE", "/api/notes"},
	} {
		r, _ := http.NewRequest(req.method, srv.URL+req.path, strings.NewReader(""))
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			panic(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(req.method, req.path, resp.StatusCode, strings.TrimSpace(string(body)))
	}
	// Output:
	// GET /users/42 200 {"id":"42"}
	// GET /users/ada 404 404 page not found
	// POST /api/notes 201 created
	// DELETE /api/notes 405 405 method not allowed
}
