// Command web is a small notes app on Gee web: HTML pages, a JSON API
// under /api and embedded static assets. Run: go run ./examples/web -addr :8080
package main

import (
	"context"
	"flag"
	"log/slog"
	"os"

	"github.com/gee-project/gee/web"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	app, err := newApp(log)
	if err != nil {
		log.Error("build app", "error", err)
		os.Exit(1)
	}
	log.Info("listening", "addr", *addr)
	if err := web.Run(context.Background(), *addr, app); err != nil {
		log.Error("serve", "error", err)
		os.Exit(1)
	}
}
