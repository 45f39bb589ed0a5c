package web

import (
	"fmt"
	"html/template"
	"io/fs"
)

// SetFuncMap sets the functions available to templates loaded afterwards.
func (e *Engine) SetFuncMap(fm template.FuncMap) { e.funcMap = fm }

// Delims sets the action delimiters for templates loaded afterwards.
func (e *Engine) Delims(left, right string) *Engine {
	e.delims = [2]string{left, right}
	return e
}

// SetHTMLTemplate uses an already parsed template set for HTML.
func (e *Engine) SetHTMLTemplate(t *template.Template) { e.templates = t }

func (e *Engine) newTemplate() *template.Template {
	return template.New("").Delims(e.delims[0], e.delims[1]).Funcs(e.funcMap)
}

// LoadHTMLGlob parses the templates matching pattern; each is named by
// its file name. On error the previously loaded templates stay in use.
func (e *Engine) LoadHTMLGlob(pattern string) error {
	t, err := e.newTemplate().ParseGlob(pattern)
	if err != nil {
		return fmt.Errorf("web: load templates %q: %w", pattern, err)
	}
	e.templates = t
	return nil
}

// LoadHTMLFiles parses the named template files.
func (e *Engine) LoadHTMLFiles(files ...string) error {
	t, err := e.newTemplate().ParseFiles(files...)
	if err != nil {
		return fmt.Errorf("web: load templates: %w", err)
	}
	e.templates = t
	return nil
}

// LoadHTMLFS parses the templates in fsys (e.g. an embed.FS) matching the
// patterns.
func (e *Engine) LoadHTMLFS(fsys fs.FS, patterns ...string) error {
	t, err := e.newTemplate().ParseFS(fsys, patterns...)
	if err != nil {
		return fmt.Errorf("web: load templates %q: %w", patterns, err)
	}
	e.templates = t
	return nil
}
