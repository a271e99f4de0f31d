package kamhttp

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"kam"
)

// The borrowing API (借阅): ask to see a customer file outside one's scope, decide, return, list.
// A borrower learns only the customer's code and name before approval; a refused attempt (asking
// for a file already in scope, deciding one's own request, deciding twice, returning another's
// grant, a card looked up through an expired grant) is recorded in the audit log as denied.

// BorrowRequestBody is what a borrower sends.
type BorrowRequestBody struct {
	Reason string   `json:"reason" minLength:"1" maxLength:"500" doc:"Why the file is needed."`
	Days   int      `json:"days,omitempty" minimum:"1" maximum:"365" doc:"How long, in days from the approval; default 3, at most the admins' maximum (GET /api/v1/borrow-settings)."`
	Scope  []string `json:"scope,omitempty" enum:"view,export,edit" maxItems:"3" doc:"What the grant allows: view is always included; export and edit only when listed. Default [\"view\"]."`
}

type borrowRequestInput struct {
	ID   string `path:"id" maxLength:"64" doc:"The customer's id; with by=code, the customer's code."`
	By   string `query:"by" enum:"id,code" default:"id" doc:"How {id} names the customer."`
	Body BorrowRequestBody
}

type borrowDecisionInput struct {
	ID   int64 `path:"id" minimum:"1"`
	Body *struct {
		Note string `json:"note,omitempty" maxLength:"500" doc:"An optional note to the borrower."`
	}
}

type borrowListInput struct {
	State    string `query:"state" enum:"pending,approved,refused,returned,expired" doc:"approved means in force now; expired, approved but past its expiry."`
	Mine     bool   `query:"mine" doc:"Only the caller's own requests."`
	ToDecide bool   `query:"to_decide" doc:"Only the requests the caller may decide."`
	Limit    int    `query:"limit" minimum:"1" maximum:"1000" default:"20"`
	Offset   int    `query:"offset" minimum:"0" default:"0"`
}

type borrowOutput struct {
	Location string `header:"Location"`
	Body     *kam.BorrowRequest
}

// borrowAttempts names the audit action of each borrowing operation, for its denied entries.
var borrowAttempts = map[string]kam.AuditAction{
	"request": kam.AuditBorrowRequest, "approve": kam.AuditBorrowApprove, "refuse": kam.AuditBorrowRefuse, "return": kam.AuditBorrowReturn,
}

// auditBorrow records a borrowing operation: done (b set), or refused by the rules (403, 409),
// as denied. An entry that cannot be stored fails the request.
func (s *Server) auditBorrow(ctx context.Context, op string, requestID int64, customerID int64, b *kam.BorrowRequest, opErr error) error {
	if opErr != nil {
		if code := kam.ErrorCodeOf(opErr); code != kam.EForbidden && code != kam.EConflict {
			return nil
		}
		e := &kam.AuditEntry{Action: kam.AuditDenied, ObjectType: "borrow_request", ObjectID: requestID,
			Detail: map[string]any{"attempt": string(borrowAttempts[op]), "reason": kam.ErrorMessage(opErr)}}
		if customerID != 0 {
			e.CustomerID = &customerID
		}
		return s.audit(ctx, e)
	}
	detail := map[string]any{"borrower_id": b.BorrowerID, "days": b.Days, "scope": b.Scope}
	switch op {
	case "request":
		detail["reason"] = b.Reason
	case "approve":
		detail["expires_at"] = b.ExpiresAt.Format(time.RFC3339)
	}
	if b.DecisionNote != "" && (op == "approve" || op == "refuse") {
		detail["note"] = b.DecisionNote
	}
	customer := b.CustomerID
	return s.audit(ctx, &kam.AuditEntry{Action: borrowAttempts[op], ObjectType: "borrow_request", ObjectID: b.ID, CustomerID: &customer, Detail: detail})
}

// auditLapsedGrant records a card lookup that is 404 for a user whose grant of it has expired:
// an attempt to use an expired grant.
func (s *Server) auditLapsedGrant(ctx context.Context, customerID int64) error {
	if s.Borrow == nil {
		return nil
	}
	g, err := s.Borrow.LapsedGrant(ctx, customerID)
	if err != nil {
		if kam.ErrorCodeOf(err) == kam.ENotFound {
			return nil
		}
		return err
	}
	return s.audit(ctx, &kam.AuditEntry{Action: kam.AuditDenied, ObjectType: "customer", ObjectID: customerID, CustomerID: &customerID,
		Detail: map[string]any{"attempt": string(kam.AuditCustomerView), "reason": "the borrowing grant expired",
			"borrow_request": g.ID, "expired_at": g.ExpiresAt.Format(time.RFC3339)}})
}

// checkBorrowedExport refuses, before a file's download begins, the export of one customer's
// records seen through a grant that does not allow exports (the store refuses it too, but a
// streamed answer has sent its status by then), and records the attempt.
func (s *Server) checkBorrowedExport(ctx context.Context, kind string, customerID int64) error {
	a := kam.ActorFrom(ctx)
	if s.Borrow == nil || customerID == 0 || kind == "products" || a == nil ||
		a.Role == kam.RoleFinance && kind != "customers" && kind != "contacts" {
		return nil
	}
	access, err := s.Borrow.FileAccess(ctx, customerID)
	if err != nil || access.Grant == nil || access.Export {
		return nil // not borrowed: the store's scope decides
	}
	if err := s.audit(ctx, &kam.AuditEntry{Action: kam.AuditDenied, ObjectType: "export", CustomerID: &customerID,
		Detail: map[string]any{"attempt": string(kam.AuditExport), "kind": kind, "reason": "the borrowing grant does not allow exports",
			"borrow_request": access.Grant.ID}}); err != nil {
		return err
	}
	return kam.Errorf(kam.EForbidden, "this customer file is borrowed: the grant does not allow exporting it")
}

// borrowOp runs a borrowing operation and records it.
func (s *Server) borrowOp(ctx context.Context, op string, requestID, customerID int64, run func() (*kam.BorrowRequest, error)) (*kam.BorrowRequest, error) {
	b, err := run()
	if err != nil {
		if aerr := s.auditBorrow(ctx, op, requestID, customerID, nil, err); aerr != nil {
			return nil, aerr
		}
		return nil, err
	}
	if err := s.auditBorrow(ctx, op, b.ID, b.CustomerID, b, nil); err != nil {
		return nil, err
	}
	return b, nil
}

func (s *Server) registerBorrowAPI(api huma.API) {
	tags := []string{"borrowing"}
	register(api, need(kam.ActCreate, kam.ResBorrow), huma.Operation{OperationID: "request-borrow", Method: http.MethodPost, Path: apiPrefix + "/customers/{id}/borrow-requests",
		Summary: "Ask to borrow a customer file", Tags: tags, DefaultStatus: http.StatusCreated, MaxBodyBytes: 16 << 10,
		Description: "For a file outside the caller's scope: the owner's supervisor or a director decides. The answer names only the customer's code and name. " +
			"404 for an unknown customer, 409 for a file already in the caller's scope or already asked for or held, 422 for a bad reason, days or scope."},
		func(ctx context.Context, in *borrowRequestInput) (*borrowOutput, error) {
			var id int64
			code := ""
			if in.By == "code" {
				code = in.ID
			} else if v, ok := parseInt(in.ID); ok && v > 0 {
				id = v
			} else {
				return nil, s.apiError(ctx, kam.Errorf(kam.ENotFound, "customer not found"))
			}
			b, err := s.borrowOp(ctx, "request", 0, id, func() (*kam.BorrowRequest, error) {
				return s.Borrow.RequestBorrow(ctx, id, code, kam.BorrowInput{Reason: in.Body.Reason, Days: in.Body.Days, Scope: in.Body.Scope})
			})
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &borrowOutput{Location: apiPrefix + "/borrow-requests/" + itoa(b.ID), Body: b}, nil
		})
	decide := func(op string, run func(ctx context.Context, id int64, note string) (*kam.BorrowRequest, error)) func(ctx context.Context, in *borrowDecisionInput) (*borrowOutput, error) {
		return func(ctx context.Context, in *borrowDecisionInput) (*borrowOutput, error) {
			note := ""
			if in.Body != nil {
				note = in.Body.Note
			}
			b, err := s.borrowOp(ctx, op, in.ID, 0, func() (*kam.BorrowRequest, error) { return run(ctx, in.ID, note) })
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &borrowOutput{Body: b}, nil
		}
	}
	register(api, need(kam.ActApprove, kam.ResBorrow), huma.Operation{OperationID: "approve-borrow", Method: http.MethodPost, Path: apiPrefix + "/borrow-requests/{id}/approve",
		Summary: "Approve a borrow request", Tags: tags, MaxBodyBytes: 16 << 10,
		Description: "The owner's supervisor, a director or an admin; never the borrower. The grant runs from now for the request's days. 409 when it is not pending."},
		decide("approve", func(ctx context.Context, id int64, note string) (*kam.BorrowRequest, error) {
			return s.Borrow.ApproveBorrow(ctx, id, note)
		}))
	register(api, need(kam.ActApprove, kam.ResBorrow), huma.Operation{OperationID: "refuse-borrow", Method: http.MethodPost, Path: apiPrefix + "/borrow-requests/{id}/refuse",
		Summary: "Refuse a borrow request", Tags: tags, MaxBodyBytes: 16 << 10,
		Description: "Who may approve may refuse, with an optional note. 409 when it is not pending."},
		decide("refuse", func(ctx context.Context, id int64, note string) (*kam.BorrowRequest, error) {
			return s.Borrow.RefuseBorrow(ctx, id, note)
		}))
	register(api, need(kam.ActCreate, kam.ResBorrow), huma.Operation{OperationID: "return-borrow", Method: http.MethodPost, Path: apiPrefix + "/borrow-requests/{id}/return",
		Summary: "Return a borrowed file early", Tags: tags,
		Description: "The borrower ends their grant now. 403 for someone else's grant, 409 when it is not in force."},
		func(ctx context.Context, in *idInput) (*borrowOutput, error) {
			b, err := s.borrowOp(ctx, "return", in.ID, 0, func() (*kam.BorrowRequest, error) { return s.Borrow.ReturnBorrow(ctx, in.ID) })
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &borrowOutput{Body: b}, nil
		})
	register(api, need(kam.ActView, kam.ResBorrow), huma.Operation{OperationID: "get-borrow-request", Method: http.MethodGet, Path: apiPrefix + "/borrow-requests/{id}",
		Summary: "A borrow request", Tags: tags, Description: "The caller's own, or one they may decide; else 404."},
		func(ctx context.Context, in *idInput) (*borrowOutput, error) {
			b, err := s.Borrow.FindBorrowRequest(ctx, in.ID)
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &borrowOutput{Body: b}, nil
		})
	register(api, need(kam.ActView, kam.ResBorrow), huma.Operation{OperationID: "list-borrow-requests", Method: http.MethodGet, Path: apiPrefix + "/borrow-requests",
		Summary: "List borrow requests", Tags: tags,
		Description: "Newest first: the caller's own requests and those they may decide (directors and admins: all), paged, with the total."},
		func(ctx context.Context, in *borrowListInput) (*listOutput[*kam.BorrowRequest], error) {
			items, total, err := s.Borrow.FindBorrowRequests(ctx, kam.BorrowFilter{State: kam.BorrowState(in.State), Mine: in.Mine,
				ToDecide: in.ToDecide, Limit: in.Limit, Offset: in.Offset})
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &listOutput[*kam.BorrowRequest]{Body: Page[*kam.BorrowRequest]{Items: items, Total: total, Limit: in.Limit, Offset: in.Offset}}, nil
		})
	register(api, need(kam.ActView, kam.ResBorrow), huma.Operation{OperationID: "get-borrow-settings", Method: http.MethodGet, Path: apiPrefix + "/borrow-settings",
		Summary: "The rules of borrowing", Tags: tags},
		func(ctx context.Context, in *struct{}) (*struct{ Body kam.BorrowSettings }, error) {
			set, err := s.Borrow.BorrowSettings(ctx)
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &struct{ Body kam.BorrowSettings }{set}, nil
		})
	register(api, need(kam.ActAdminister, kam.ResBorrow), huma.Operation{OperationID: "put-borrow-settings", Method: http.MethodPut, Path: apiPrefix + "/borrow-settings",
		Summary: "Set the rules of borrowing", Tags: tags, MaxBodyBytes: 16 << 10, Description: "Admins."},
		func(ctx context.Context, in *struct{ Body kam.BorrowSettings }) (*struct{ Body kam.BorrowSettings }, error) {
			if err := s.Borrow.SaveBorrowSettings(ctx, in.Body); err != nil {
				return nil, s.apiError(ctx, err)
			}
			if err := s.audit(ctx, &kam.AuditEntry{Action: kam.AuditSettings, ObjectType: "settings",
				Detail: map[string]any{"key": "borrow", "max_days": in.Body.MaxDays}}); err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &struct{ Body kam.BorrowSettings }{in.Body}, nil
		})
}
