package kamhttp

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"kam"
	"kam/web"
)

// The user menu's pages: one's own API tokens, and the team page where supervisors, directors
// and admins hand over a leaving user's customers.

func (u *ui) registerAccount(rt *router) {
	u.handle(rt, "GET /account/tokens", anyUser, u.tokenList)
	u.handle(rt, "POST /account/tokens", anyUser, u.tokenCreate)
	u.handle(rt, "POST /account/tokens/{id}/revoke", anyUser, u.tokenRevoke)
	handOver := need(kam.ActAssign, kam.ResCustomer)
	u.handle(rt, "GET /team", handOver, u.teamPage)
	u.handle(rt, "GET /users/{id}/handover", handOver, u.handoverForm)
	u.handle(rt, "POST /users/{id}/handover", handOver, u.handoverSubmit)
}

func (rq *uiReq) tokensPage(status int, p *web.TokensPage) {
	tokens, err := rq.u.s.Users.FindTokens(rq.r.Context(), rq.user.ID)
	if err != nil {
		rq.fail(err)
		return
	}
	now := rq.u.s.Now()
	L := rq.L
	for _, t := range tokens {
		row := web.TokenRow{ID: t.ID, Name: t.Name, Scope: L.T("tokens.scope." + string(t.Scope)),
			Created: L.DateTime(t.CreatedAt), Expires: L.DateTime(t.ExpiresAt), LastUsed: L.T("tokens.never"),
			State: L.T("tokens.live"), Live: t.Live(now)}
		if t.LastUsedAt != nil {
			row.LastUsed = L.DateTime(*t.LastUsedAt)
		}
		switch {
		case t.RevokedAt != nil:
			row.State = L.T("tokens.revoked") + " " + L.DateTime(*t.RevokedAt)
		case !row.Live:
			row.State = L.T("tokens.expired")
		}
		p.Tokens = append(p.Tokens, row)
	}
	p.Base = rq.base(L.T("tokens.title"), "tokens")
	if p.Scope == "" {
		p.Scope = string(kam.TokenReadWrite)
	}
	for _, s := range []kam.TokenScope{kam.TokenReadWrite, kam.TokenRead} {
		p.Scopes = append(p.Scopes, web.Option{Value: string(s), Label: L.T("tokens.scope." + string(s)), Selected: p.Scope == string(s)})
	}
	if p.Days == "" {
		p.Days = strconv.Itoa(int(kam.DefaultTokenTTL / (24 * time.Hour)))
	}
	rq.render(status, "tokens", p)
}

func (u *ui) tokenList(rq *uiReq) { rq.tokensPage(http.StatusOK, &web.TokensPage{}) }

// tokenCreate makes a token for the user and shows its secret once, on this answer only (the
// page is not stored: Cache-Control no-store).
func (u *ui) tokenCreate(rq *uiReq) {
	f := rq.r.PostForm
	p := &web.TokensPage{Name: f.Get("name"), Scope: f.Get("scope"), Days: strings.TrimSpace(f.Get("days")), Errors: map[string]string{}}
	days, err := strconv.Atoi(p.Days)
	if err != nil || days < 1 || days > int(kam.MaxTokenTTL/(24*time.Hour)) {
		p.Errors["days"] = rq.L.FieldError("out_of_range", "must be between 1 and 365")
		rq.tokensPage(http.StatusUnprocessableEntity, p)
		return
	}
	rec, secret, err := u.s.Users.CreateToken(rq.r.Context(), kam.NewToken{UserID: rq.user.ID, Name: p.Name,
		Scope: kam.TokenScope(p.Scope), TTL: time.Duration(days) * 24 * time.Hour})
	if fe := kam.FieldErrors(err); len(fe) > 0 {
		for _, e := range fe {
			p.Errors[e.Field] = rq.L.FieldError(e.Code, e.Message)
		}
		rq.tokensPage(http.StatusUnprocessableEntity, p)
		return
	}
	if err == nil {
		err = u.s.auditToken(rq.r.Context(), kam.AuditTokenCreate, rec)
	}
	if err != nil {
		rq.fail(err)
		return
	}
	rq.tokensPage(http.StatusCreated, &web.TokensPage{Secret: secret})
}

func (u *ui) tokenRevoke(rq *uiReq) {
	id, err := strconv.ParseInt(rq.r.PathValue("id"), 10, 64)
	if err != nil {
		rq.fail(kam.Errorf(kam.ENotFound, "token not found"))
		return
	}
	// Only one's own tokens from this page, admins included: the API revokes others'.
	tokens, err := u.s.Users.FindTokens(rq.r.Context(), rq.user.ID)
	if err != nil {
		rq.fail(err)
		return
	}
	own := false
	for _, t := range tokens {
		own = own || t.ID == id
	}
	if !own {
		rq.fail(kam.Errorf(kam.ENotFound, "token not found"))
		return
	}
	rec, err := u.s.Users.RevokeToken(rq.r.Context(), id)
	if err == nil {
		err = u.s.auditToken(rq.r.Context(), kam.AuditTokenRevoke, rec)
	}
	if err != nil {
		rq.fail(err)
		return
	}
	rq.redirectFlash("/account/tokens", "flash.token_revoked")
}

// handoverCandidates lists the users the actor may hand over (as leaving users) and hand to:
// a supervisor's team (and the supervisor as a receiver), everyone for directors and admins.
func (rq *uiReq) handoverCandidates() ([]*kam.User, error) {
	users, _, err := rq.u.s.Users.FindUsers(kam.WithActor(rq.r.Context(), kam.System), kam.UserFilter{Limit: 1000})
	if err != nil {
		return nil, err
	}
	if kam.CustomerScope(rq.actor) == kam.ScopeAll {
		return users, nil
	}
	var out []*kam.User
	for _, u := range users {
		if u.ID == rq.user.ID || u.SupervisorID != nil && *u.SupervisorID == rq.user.ID {
			out = append(out, u)
		}
	}
	return out, nil
}

func (u *ui) teamPage(rq *uiReq) {
	if !kam.CanHandOver(rq.actor) {
		rq.fail(kam.Errorf(kam.EForbidden, "only supervisors, directors and admins hand over customers"))
		return
	}
	users, err := rq.handoverCandidates()
	if err != nil {
		rq.fail(err)
		return
	}
	p := &web.TeamPage{Base: rq.base(rq.L.T("team.title"), "team")}
	for _, m := range users {
		if m.ID == rq.user.ID {
			continue
		}
		_, n, err := u.s.Customers.FindCustomers(rq.r.Context(), kam.CustomerFilter{OwnerID: m.ID, Limit: 1})
		if err != nil {
			rq.fail(err)
			return
		}
		p.Members = append(p.Members, web.TeamMemberRow{User: m, Role: rq.L.Enum("role", string(m.Role)), Customers: n})
	}
	rq.render(http.StatusOK, "team", p)
}

// handoverPage shows the form for the leaving user of the path, 404 when the actor may not
// hand them over.
func (rq *uiReq) handoverPage(status int, chosen map[int64]bool, deactivate bool, msg string) {
	if !kam.CanHandOver(rq.actor) {
		rq.fail(kam.Errorf(kam.EForbidden, "only supervisors, directors and admins hand over customers"))
		return
	}
	id, _ := strconv.ParseInt(rq.r.PathValue("id"), 10, 64)
	users, err := rq.handoverCandidates()
	if err != nil {
		rq.fail(err)
		return
	}
	var from *kam.User
	for _, u := range users {
		if u.ID == id && u.ID != rq.user.ID {
			from = u
		}
	}
	if from == nil {
		rq.fail(kam.Errorf(kam.ENotFound, "user not found"))
		return
	}
	_, n, err := rq.u.s.Customers.FindCustomers(rq.r.Context(), kam.CustomerFilter{OwnerID: from.ID, Limit: 1})
	if err != nil {
		rq.fail(err)
		return
	}
	p := &web.HandoverPage{From: from, Customers: n, Deactivate: deactivate, Error: msg}
	p.Base = rq.base(rq.L.T("handover.title", from.Name), "team")
	for _, u := range users {
		if u.ID == from.ID || !u.Active || !kam.RoleOwnsFiles(u.Role) {
			continue
		}
		p.Receivers = append(p.Receivers, web.Option{Value: strconv.FormatInt(u.ID, 10),
			Label: u.Name + " · " + rq.L.Enum("role", string(u.Role)), Selected: chosen[u.ID]})
	}
	rq.render(status, "handover", p)
}

func (u *ui) handoverForm(rq *uiReq) { rq.handoverPage(http.StatusOK, nil, false, "") }

func (u *ui) handoverSubmit(rq *uiReq) {
	id, err := strconv.ParseInt(rq.r.PathValue("id"), 10, 64)
	if err != nil {
		rq.fail(kam.Errorf(kam.ENotFound, "user not found"))
		return
	}
	h := kam.Handover{FromID: id, Deactivate: rq.r.PostForm.Get("deactivate") == "1"}
	chosen := map[int64]bool{}
	for _, v := range rq.r.PostForm["to"] {
		to, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			rq.fail(kam.Errorf(kam.EInvalid, "to: not a user id"))
			return
		}
		h.To = append(h.To, to)
		chosen[to] = true
	}
	_, err = u.s.handOver(rq.r.Context(), h)
	if fe := kam.FieldErrors(err); len(fe) > 0 {
		msg := rq.L.FieldError(fe[0].Code, fe[0].Message)
		rq.handoverPage(http.StatusUnprocessableEntity, chosen, h.Deactivate, rq.L.T("handover.failed", msg))
		return
	}
	if err != nil {
		rq.fail(err)
		return
	}
	rq.redirectFlash("/team", "flash.handover_done")
}
