// Command pingserver serves GET /ping → {"message":"pong"} with one of
// several stacks, for load tests with wrk against 127.0.0.1:
//
//	go run ./web/pingserver -impl gee -addr 127.0.0.1:8081 2>/dev/null &
//	wrk -t2 -c64 -d10s http://127.0.0.1:8081/ping
//
// -impl: nethttp (bare net/http), gee (web.Default: Logger+Recovery),
// gee-bare (web.New), gin (gin.Default: Logger+Recovery).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"

	"github.com/gee-project/gee/web"
	"github.com/gin-gonic/gin"
)

func main() {
	impl := flag.String("impl", "gee", "nethttp, gee, gee-bare or gin")
	addr := flag.String("addr", "127.0.0.1:8081", "listen address")
	flag.Parse()
	h, err := handler(*impl)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if err := web.Run(context.Background(), *addr, h); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func handler(impl string) (http.Handler, error) {
	switch impl {
	case "nethttp":
		mux := http.NewServeMux()
		mux.HandleFunc("GET /ping", func(w http.ResponseWriter, r *http.Request) {
			b, _ := json.Marshal(map[string]any{"message": "pong"})
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			_, _ = w.Write(b)
		})
		return mux, nil
	case "gee", "gee-bare":
		e := web.New()
		if impl == "gee" {
			e = web.Default()
		}
		e.GET("/ping", func(c *web.Context) { c.JSON(http.StatusOK, web.H{"message": "pong"}) })
		return e, nil
	case "gin":
		gin.SetMode(gin.ReleaseMode)
		e := gin.Default()
		e.GET("/ping", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"message": "pong"}) })
		return e, nil
	}
	return nil, fmt.Errorf("unknown -impl %q", impl)
}
