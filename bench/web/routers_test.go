package web

import (
	"net/http"

	"github.com/gee-project/gee/web"
	"github.com/gin-gonic/gin"
	"github.com/go-chi/chi/v5"
	"github.com/julienschmidt/httprouter"
	"github.com/labstack/echo/v4"
)

// Each builder registers routes with a handler that does nothing, so the
// benchmarks measure routing and per-request framework overhead.

func buildGee(rs []route) http.Handler {
	e := web.New()
	h := func(*web.Context) {}
	for _, r := range rs {
		e.Handle(r.method, r.path, h)
	}
	return e
}

func buildGin(rs []route) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	h := func(*gin.Context) {}
	for _, r := range rs {
		e.Handle(r.method, r.path, h)
	}
	return e
}

func buildHTTPRouter(rs []route) http.Handler {
	rt := httprouter.New()
	h := func(http.ResponseWriter, *http.Request, httprouter.Params) {}
	for _, r := range rs {
		rt.Handle(r.method, r.path, h)
	}
	return rt
}

func buildEcho(rs []route) http.Handler {
	e := echo.New()
	h := func(echo.Context) error { return nil }
	for _, r := range rs {
		e.Add(r.method, r.path, h)
	}
	return e
}

func buildChi(rs []route) http.Handler {
	rt := chi.NewRouter()
	h := func(http.ResponseWriter, *http.Request) {}
	for _, r := range rs {
		rt.MethodFunc(r.method, braces(r.path), h)
	}
	return rt
}

func buildServeMux(rs []route) http.Handler {
	mux := http.NewServeMux()
	h := func(http.ResponseWriter, *http.Request) {}
	for _, r := range rs {
		mux.HandleFunc(r.method+" "+braces(r.path), h)
	}
	return mux
}

var impls = []struct {
	name  string
	build func([]route) http.Handler
}{
	{"gee", buildGee},
	{"gin", buildGin},
	{"httprouter", buildHTTPRouter},
	{"echo", buildEcho},
	{"chi", buildChi},
	{"servemux", buildServeMux},
}
