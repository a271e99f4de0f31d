// Package web holds KAM's server-rendered UI: the html/template pages, the static assets (own CSS
// and script, vendored htmx) embedded into the binary, and the page structs the handlers fill.
//
// Templates are parsed once, at New; each page is the shared layout plus its own file, so a page
// can define "title" and "content" without clashing with another. Static files are served under
// content-hashed names (app.3f2a1c9d.css) with a one-year immutable cache: a new build changes
// the name, so browsers never run a stale script against new markup.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"sort"
	"strings"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Renderer renders the UI's pages. It is safe for concurrent use.
type Renderer struct {
	pages  map[string]*template.Template
	assets *Assets
}

// New parses every template and hashes every static file.
func New() (*Renderer, error) {
	assets, err := loadAssets(staticFS, "static")
	if err != nil {
		return nil, err
	}
	funcs := template.FuncMap{
		"asset": assets.URL,
		"pair":  func(root, node any) Pair { return Pair{Root: root, Node: node} },
		"add":   func(a, b int) int { return a + b },
	}
	base, err := template.New("base").Funcs(funcs).ParseFS(templateFS, "templates/_*.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse shared templates: %w", err)
	}
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	r := &Renderer{pages: map[string]*template.Template{}, assets: assets}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if strings.HasPrefix(name, "_") {
			continue
		}
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.ParseFS(templateFS, f); err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", f, err)
		}
		r.pages[name] = t
	}
	return r, nil
}

// Pair hands a recursive template both the page (for the printer and URLs) and the node.
type Pair struct {
	Root any
	Node any
}

// Pages lists the page names, for tests.
func (r *Renderer) Pages() []string {
	out := make([]string, 0, len(r.pages))
	for n := range r.pages {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// RenderBlock writes one named template of a page, e.g. the result table of the customer list
// that htmx swaps in.
func (r *Renderer) RenderBlock(w io.Writer, page, block string, data any) error {
	t, ok := r.pages[page]
	if !ok {
		return fmt.Errorf("web: no page %q", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, block, data); err != nil {
		return fmt.Errorf("web: render %s/%s: %w", page, block, err)
	}
	_, err := buf.WriteTo(w)
	return err
}

// Assets returns the static files.
func (r *Renderer) Assets() *Assets { return r.assets }

// Assets are the static files with their content-hashed names.
type Assets struct {
	byName   map[string]string // logical name → hashed name
	byHashed map[string]asset  // hashed name → content
}

type asset struct {
	body        []byte
	contentType string
}

func loadAssets(fsys fs.FS, root string) (*Assets, error) {
	a := &Assets{byName: map[string]string{}, byHashed: map[string]asset{}}
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		name := strings.TrimPrefix(p, root+"/")
		if strings.HasSuffix(name, ".md") {
			return nil // notes for maintainers, not for browsers
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		ct := mime.TypeByExtension(ext)
		if ct == "" {
			ct = "application/octet-stream"
		}
		a.byName[name] = hashed
		a.byHashed[hashed] = asset{body: body, contentType: ct}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: load static files: %w", err)
	}
	return a, nil
}

// URL returns the path of a static file under its hashed name, e.g. /static/app.3f2a1c9d0e.css.
// It panics on an unknown name: templates only name files that are embedded, and the template
// tests render every page.
func (a *Assets) URL(name string) string {
	h, ok := a.byName[name]
	if !ok {
		panic("web: no static file " + name)
	}
	return "/static/" + h
}

// ServeHTTP serves /static/<hashed name>. Unknown names, old hashes included, are 404: serving
// an old name with new content would defeat the immutable cache.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/static/")
	f, ok := a.byHashed[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("Content-Length", fmt.Sprint(len(f.body)))
	if r.Method == http.MethodHead {
		return
	}
	w.Write(f.body)
}
