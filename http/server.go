// Package kamhttp serves KAM's web UI and its JSON API.
package kamhttp

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"time"

	"kam"
)

// Server is KAM's HTTP server: the JSON API under /api/v1 and the web UI.
type Server struct {
	Customers kam.CustomerService
	Users     kam.UserService
	// Ledger, Exporter and Imports serve the money side of the files (orders, invoices,
	// payments, costs), exports and imports.
	Ledger   kam.LedgerService
	Exporter kam.Exporter
	Imports  kam.ImportStore
	// Borrow keeps borrowing (借阅) requests and grants.
	Borrow kam.BorrowService
	// Handover reassigns a leaving user's customers.
	Handover kam.HandoverService
	// Audit is the append-only audit log of views, exports, changes, logins, grants and tokens.
	// Required: Handler refuses to build without it.
	Audit kam.AuditLog
	// UnauditedViewsForBenchmark stops recording views of customer files (nothing else). It
	// exists only for bench/audit.sh, which measures what recording views costs; never set it
	// in production (kam serve sets it from KAM_BENCH_UNAUDITED_VIEWS=1 and says so loudly).
	UnauditedViewsForBenchmark bool
	// Ping checks the database for /healthz.
	Ping func(ctx context.Context) error
	// Version is the program's version, shown in the UI and the API document.
	Version string
	Logger  *slog.Logger
	// Now is the clock; tests replace it.
	Now func() time.Time
	// SecureCookies marks cookies Secure (set when serving behind TLS).
	SecureCookies bool

	handler http.Handler
	// router holds the routes and the permission each declares (routes.go).
	router *router
	// memo keeps portfolio-wide analytics results while their inputs stay the same.
	memo analyticsMemo
}

// Handler builds the routes once and returns the root handler.
func (s *Server) Handler() http.Handler {
	if s.handler != nil {
		return s.handler
	}
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.Audit == nil {
		// A server without its audit log would answer views and changes unrecorded.
		panic("kamhttp: Server.Audit is required")
	}
	s.wrapAudited()
	rt := newRouter()
	s.router = rt
	rt.handle("GET /healthz", public, http.HandlerFunc(s.handleHealth))
	s.registerAPI(rt)
	s.registerUI(rt)
	s.handler = s.recoverPanics(securityHeaders(withRemoteAddr(withRequestMemo(rt.mux))))
	return s.handler
}

// ListenAndServe serves on addr until ctx is done, then shuts down gracefully.
func (s *Server) ListenAndServe(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    1 << 20,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	}
}

// audit appends an entry to the audit log, filling the actor and the request's address from
// ctx. An error means the entry is not stored: the caller must not answer as if it were.
func (s *Server) audit(ctx context.Context, e *kam.AuditEntry) error {
	if a := kam.ActorFrom(ctx); a != nil && e.ActorID == 0 && e.ActorEmail == "" {
		e.ActorID, e.ActorEmail = a.UserID, a.Email
	}
	if e.RemoteAddr == "" {
		e.RemoteAddr = kam.RemoteAddrFrom(ctx)
	}
	return s.Audit.Record(ctx, e)
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if s.Ping == nil || s.Ping(ctx) != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"status":"unavailable"}`))
		return
	}
	w.Write([]byte(`{"status":"ok"}`))
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.Logger.Error("panic serving request", "method", r.Method, "path", r.URL.Path, "panic", v)
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// securityHeaders sets the headers every answer carries. The CSP allows no inline script:
// the UI's scripts are files under /static.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
		next.ServeHTTP(w, r)
	})
}
