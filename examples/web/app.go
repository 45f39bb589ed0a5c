package main

import (
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/gee-project/gee/web"
	"github.com/gee-project/gee/web/middleware"
)

//go:embed templates static
var assets embed.FS

// Note is one stored note.
type Note struct {
	ID      int       `json:"id"`
	Title   string    `json:"title" binding:"required,max=100"`
	Body    string    `json:"body" binding:"max=10000"`
	Created time.Time `json:"created"`
}

// store keeps notes in memory.
type store struct {
	mu    sync.RWMutex
	next  int
	notes map[int]Note
}

func (s *store) add(n Note) Note {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next++
	n.ID, n.Created = s.next, time.Now().UTC()
	s.notes[n.ID] = n
	return n
}

func (s *store) get(id int) (Note, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	n, ok := s.notes[id]
	return n, ok
}

func (s *store) remove(id int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.notes[id]
	delete(s.notes, id)
	return ok
}

func (s *store) list() []Note {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Note, 0, len(s.notes))
	for _, n := range s.notes {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// newApp builds the notes app: a JSON API, HTML pages and static assets.
func newApp(log *slog.Logger) (*web.Engine, error) {
	st := &store{notes: map[int]Note{}}
	e := web.New()
	e.Use(middleware.RequestID(), middleware.Logger(&web.LoggerConfig{Logger: log}),
		middleware.Recovery(&web.RecoveryConfig{Logger: log}), middleware.Gzip(0))

	api := e.Group("/api", middleware.BodyLimit(64<<10))
	api.GET("/notes", func(c *web.Context) { c.JSON(http.StatusOK, st.list()) })
	api.POST("/notes", func(c *web.Context) {
		var n Note
		if c.Bind(&n) != nil {
			return // Bind answered 400 naming the field
		}
		c.JSON(http.StatusCreated, st.add(n))
	})
	api.GET("/notes/{id:int}", func(c *web.Context) {
		if n, ok := st.get(atoi(c.Param("id"))); ok {
			c.JSON(http.StatusOK, n)
			return
		}
		c.JSON(http.StatusNotFound, web.H{"error": "no such note"})
	})
	api.DELETE("/notes/{id:int}", func(c *web.Context) {
		if !st.remove(atoi(c.Param("id"))) {
			c.JSON(http.StatusNotFound, web.H{"error": "no such note"})
			return
		}
		c.Status(http.StatusNoContent)
	})
	if err := addPages(e, st); err != nil {
		return nil, err
	}
	return e, nil
}

// addPages adds the HTML pages and the embedded static files.
func addPages(e *web.Engine, st *store) error {
	e.SetFuncMap(template.FuncMap{"when": func(t time.Time) string { return t.Format("2006-01-02 15:04") }})
	if err := e.LoadHTMLFS(assets, "templates/*.html"); err != nil {
		return err
	}
	static, err := fs.Sub(assets, "static")
	if err != nil {
		return err
	}
	e.StaticFS("/static", http.FS(static))
	e.GET("/", func(c *web.Context) {
		c.HTML(http.StatusOK, "index.html", web.H{"Title": "Notes", "Notes": st.list()})
	})
	e.GET("/notes/{id:int}", func(c *web.Context) {
		n, ok := st.get(atoi(c.Param("id")))
		if !ok {
			c.String(http.StatusNotFound, "no such note")
			return
		}
		c.HTML(http.StatusOK, "note.html", web.H{"Title": n.Title, "Note": n})
	})
	return nil
}

// atoi parses a param the route already constrained to digits.
func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
