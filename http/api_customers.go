package kamhttp

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"kam"
)

// customerFields are the fields a client may write; id, version and timestamps are the server's.
var customerFields = writable(kam.Customer{Tags: []string{}, Team: []kam.TeamMember{}, CustomFields: map[string]string{}},
	"id", "version", "created_at", "updated_at")

type customerListInput struct {
	Q        string `query:"q" maxLength:"200" doc:"Search: Chinese substrings of customer names, short names and contact names; pinyin initials; words."`
	OwnerID  int64  `query:"owner_id" doc:"Only customers of this owner (user id)."`
	Status   string `query:"status" enum:"prospect,active,dormant,lost"`
	Stage    string `query:"stage" enum:"identify,establish,deepen,maintain,warning,lost"`
	Industry string `query:"industry" maxLength:"200"`
	Province string `query:"province" maxLength:"200"`
	Tag      string `query:"tag" maxLength:"30"`
	ParentID int64  `query:"parent_id" doc:"Only the subsidiaries of this group customer."`
	Sort     string `query:"sort" enum:"code,-code,name,-name,created_at,-created_at,updated_at,-updated_at,province,-province,industry,-industry,status,-status,stage,-stage" doc:"Sort field; a leading - sorts descending. name sorts by pinyin."`
	Limit    int    `query:"limit" minimum:"1" maximum:"1000" default:"20"`
	Offset   int    `query:"offset" minimum:"0" default:"0"`
	Filter   int64  `query:"filter" minimum:"0" doc:"A saved filter's id: only its customers, judged over the last 12 complete months (class, tier, LAMP group and loyalty type of that period)."`
}

// CustomerCard is a customer with its units, contacts and completeness score.
type CustomerCard struct {
	*kam.Customer
	Units        []*kam.Unit      `json:"units"`
	Contacts     []*kam.Contact   `json:"contacts"`
	Completeness kam.Completeness `json:"completeness"`
	AsOf         *time.Time       `json:"as_of,omitempty" doc:"Set when the card shows the file as it was at this moment."`
}

type customerGetInput struct {
	ID   int64  `path:"id" minimum:"1"`
	AsOf string `query:"as_of" doc:"Show the card as it was at this moment (RFC 3339, or a date meaning the end of that day in Asia/Shanghai)."`
}

type customerCardOutput struct {
	ETag string `header:"ETag"`
	Body CustomerCard
}

type historyInput struct {
	ID     int64 `path:"id" minimum:"1"`
	Limit  int   `query:"limit" minimum:"1" maximum:"1000" default:"50"`
	Offset int   `query:"offset" minimum:"0" default:"0"`
}

func (s *Server) registerCustomerAPI(api huma.API) {
	tags := []string{"customers"}
	register(api, need(kam.ActView, kam.ResCustomer), huma.Operation{OperationID: "list-customers", Method: http.MethodGet, Path: apiPrefix + "/customers",
		Summary: "List customers", Tags: tags,
		Description: "The customers the caller may see, filtered, searched, sorted and paged, with the total."},
		func(ctx context.Context, in *customerListInput) (*listOutput[*kam.Customer], error) {
			f := kam.CustomerFilter{Q: in.Q, OwnerID: in.OwnerID, Status: in.Status, Stage: in.Stage, Industry: in.Industry,
				Province: in.Province, Tag: in.Tag, ParentID: in.ParentID, Sort: in.Sort, Limit: in.Limit, Offset: in.Offset}
			if in.Filter != 0 {
				c, err := s.criteria(ctx, FilterParams{Filter: in.Filter})
				if err != nil {
					return nil, err
				}
				if f.Within, err = s.filterSelection(ctx, c); err != nil {
					return nil, s.apiError(ctx, err)
				}
			}
			items, total, err := s.Customers.FindCustomers(ctx, f)
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &listOutput[*kam.Customer]{Body: Page[*kam.Customer]{Items: items, Total: total, Limit: in.Limit, Offset: in.Offset}}, nil
		})

	register(api, need(kam.ActCreate, kam.ResCustomer), huma.Operation{OperationID: "create-customer", Method: http.MethodPost, Path: apiPrefix + "/customers",
		Summary: "Create a customer", Tags: tags, DefaultStatus: http.StatusCreated, MaxBodyBytes: maxBodyBytes, SkipValidateBody: true,
		Description: "Creates a customer file. `code` is generated when empty; `owner_id` defaults to the caller."},
		func(ctx context.Context, in *bodyInput) (*recordOutput[*kam.Customer], error) {
			var c kam.Customer
			if err := decodeObject(in.ContentType, in.RawBody, &c, customerFields); err != nil {
				return nil, err
			}
			if err := s.Customers.CreateCustomer(ctx, &c); err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &recordOutput[*kam.Customer]{ETag: etag(c.Version), Location: apiPrefix + "/customers/" + itoa(c.ID), Body: &c}, nil
		})

	register(api, need(kam.ActView, kam.ResCustomer), huma.Operation{OperationID: "get-customer", Method: http.MethodGet, Path: apiPrefix + "/customers/{id}",
		Summary: "Get a customer file", Tags: tags,
		Description: "The customer with its units, contacts and completeness score; with `as_of`, as it was at that moment."},
		func(ctx context.Context, in *customerGetInput) (*customerCardOutput, error) {
			asOf, err := apiAsOf(in.AsOf)
			if err != nil {
				return nil, err
			}
			card, err := s.Customers.Card(ctx, in.ID, asOf)
			if err != nil {
				if kam.ErrorCodeOf(err) == kam.ENotFound {
					if aerr := s.auditLapsedGrant(ctx, in.ID); aerr != nil {
						return nil, s.apiError(ctx, aerr)
					}
					if aerr := s.auditDenied(ctx, "customer", in.ID, &in.ID, map[string]any{"reason": "not found or outside scope"}); aerr != nil {
						return nil, s.apiError(ctx, aerr)
					}
				}
				return nil, s.apiError(ctx, err)
			}
			owner, detail := card.Customer.OwnerID, map[string]any(nil)
			if asOf != nil {
				// The card as of a moment names the owner of then; the view is the current owner's.
				// (A file deleted since keeps the owner it had.)
				now, err := s.Customers.FindCustomerByID(ctx, in.ID)
				switch {
				case err == nil:
					owner = now.OwnerID
				case kam.ErrorCodeOf(err) != kam.ENotFound:
					return nil, s.apiError(ctx, err)
				}
				detail = map[string]any{"as_of": asOf.UTC().Format(time.RFC3339Nano)}
			}
			if err := s.auditView(ctx, in.ID, owner, detail); err != nil {
				return nil, s.apiError(ctx, err)
			}
			out := &customerCardOutput{Body: CustomerCard{Customer: card.Customer, Units: card.Units, Contacts: card.Contacts,
				Completeness: kam.CardCompleteness(card), AsOf: card.AsOf}}
			if asOf == nil {
				out.ETag = etag(card.Customer.Version)
			}
			return out, nil
		})

	register(api, need(kam.ActEdit, kam.ResCustomer), huma.Operation{OperationID: "update-customer", Method: http.MethodPatch, Path: apiPrefix + "/customers/{id}",
		Summary: "Update a customer", Tags: tags, MaxBodyBytes: maxBodyBytes, SkipValidateBody: true,
		Description: "A JSON merge patch of the customer's writable fields. Requires `If-Match`: 412 when someone changed the customer since, 428 without it."},
		func(ctx context.Context, in *patchInput) (*recordOutput[*kam.Customer], error) {
			version, err := parseIfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			var decodeErr error
			c, err := s.Customers.UpdateCustomer(ctx, in.ID, version, func(c *kam.Customer) error {
				decodeErr = decodeObject(in.ContentType, in.RawBody, c, customerFields)
				return decodeErr
			})
			if decodeErr != nil {
				return nil, decodeErr
			}
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &recordOutput[*kam.Customer]{ETag: etag(c.Version), Body: c}, nil
		})

	register(api, need(kam.ActDelete, kam.ResCustomer), huma.Operation{OperationID: "delete-customer", Method: http.MethodDelete, Path: apiPrefix + "/customers/{id}",
		Summary: "Delete a customer", Tags: tags, DefaultStatus: http.StatusNoContent,
		Description: "Deletes the file with its units and contacts (supervisors, directors, admins). Its history is kept. Requires `If-Match`."},
		func(ctx context.Context, in *deleteInput) (*struct{}, error) {
			version, err := parseIfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			if err := s.Customers.DeleteCustomer(ctx, in.ID, version); err != nil {
				return nil, s.apiError(ctx, err)
			}
			return nil, nil
		})

	register(api, need(kam.ActView, kam.ResCustomer), huma.Operation{OperationID: "customer-history", Method: http.MethodGet, Path: apiPrefix + "/customers/{id}/history",
		Summary: "History of a customer file", Tags: tags,
		Description: "Every create, update and delete of the customer, its units and contacts, newest first: who, when, each field's old and new value."},
		func(ctx context.Context, in *historyInput) (*listOutput[*kam.Change], error) {
			items, total, err := s.Customers.History(ctx, in.ID, in.Limit, in.Offset)
			if err == nil {
				err = s.auditPartView(ctx, in.ID, "history")
			}
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &listOutput[*kam.Change]{Body: Page[*kam.Change]{Items: items, Total: total, Limit: in.Limit, Offset: in.Offset}}, nil
		})
}
