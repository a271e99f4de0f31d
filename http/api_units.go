package kamhttp

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"kam"
)

var (
	unitFields    = writable(kam.Unit{}, "id", "customer_id", "version", "created_at", "updated_at")
	contactFields = writable(kam.Contact{Phones: []string{}, Birthday: &kam.Birthday{}}, "id", "customer_id", "version", "created_at", "updated_at")
)

type createChildInput struct {
	ID          int64  `path:"id" minimum:"1" doc:"The customer's id."`
	ContentType string `header:"Content-Type"`
	RawBody     []byte `contentType:"application/json"`
}

// childAPI declares list, create, get, update and delete of a record that belongs to a customer
// file (units, contacts): the same five operations with the same rules.
type childAPI[T any] struct {
	name, plural string
	fields       map[string]bool
	version      func(*T) int64
	id           func(*T) int64
	setCustomer  func(*T, int64)
	customer     func(*T) int64
	list         func(context.Context, int64) ([]*T, error)
	create       func(context.Context, *T) error
	get          func(context.Context, int64) (*T, error)
	update       func(context.Context, int64, int64, func(*T) error) (*T, error)
	remove       func(context.Context, int64, int64) error
}

func registerChild[T any](s *Server, api huma.API, c childAPI[T]) {
	tags := []string{c.plural}
	register(api, need(kam.ActView, kam.ResCustomer), huma.Operation{OperationID: "list-" + c.plural, Method: http.MethodGet, Path: apiPrefix + "/customers/{id}/" + c.plural,
		Summary: "List the " + c.plural + " of a customer", Tags: tags},
		func(ctx context.Context, in *idInput) (*listOutput[*T], error) {
			items, err := c.list(ctx, in.ID)
			if err == nil {
				err = s.auditPartView(ctx, in.ID, c.plural)
			}
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &listOutput[*T]{Body: Page[*T]{Items: items, Total: len(items), Limit: len(items)}}, nil
		})
	register(api, need(kam.ActEdit, kam.ResCustomer), huma.Operation{OperationID: "create-" + c.name, Method: http.MethodPost, Path: apiPrefix + "/customers/{id}/" + c.plural,
		Summary: "Add a " + c.name + " to a customer", Tags: tags, DefaultStatus: http.StatusCreated, MaxBodyBytes: maxBodyBytes, SkipValidateBody: true},
		func(ctx context.Context, in *createChildInput) (*recordOutput[*T], error) {
			v := new(T)
			if err := decodeObject(in.ContentType, in.RawBody, v, c.fields); err != nil {
				return nil, err
			}
			c.setCustomer(v, in.ID)
			if err := c.create(ctx, v); err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &recordOutput[*T]{ETag: etag(c.version(v)), Location: apiPrefix + "/" + c.plural + "/" + itoa(c.id(v)), Body: v}, nil
		})
	register(api, need(kam.ActView, kam.ResCustomer), huma.Operation{OperationID: "get-" + c.name, Method: http.MethodGet, Path: apiPrefix + "/" + c.plural + "/{id}",
		Summary: "Get a " + c.name, Tags: tags},
		func(ctx context.Context, in *idInput) (*recordOutput[*T], error) {
			v, err := c.get(ctx, in.ID)
			if err == nil {
				err = s.auditPartView(ctx, c.customer(v), c.name)
			}
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &recordOutput[*T]{ETag: etag(c.version(v)), Body: v}, nil
		})
	register(api, need(kam.ActEdit, kam.ResCustomer), huma.Operation{OperationID: "update-" + c.name, Method: http.MethodPatch, Path: apiPrefix + "/" + c.plural + "/{id}",
		Summary: "Update a " + c.name, Tags: tags, MaxBodyBytes: maxBodyBytes, SkipValidateBody: true,
		Description: "A JSON merge patch. Requires `If-Match` (412 when stale, 428 when missing)."},
		func(ctx context.Context, in *patchInput) (*recordOutput[*T], error) {
			version, err := parseIfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			var decodeErr error
			v, err := c.update(ctx, in.ID, version, func(v *T) error {
				decodeErr = decodeObject(in.ContentType, in.RawBody, v, c.fields)
				return decodeErr
			})
			if decodeErr != nil {
				return nil, decodeErr
			}
			if err != nil {
				return nil, s.apiError(ctx, err)
			}
			return &recordOutput[*T]{ETag: etag(c.version(v)), Body: v}, nil
		})
	register(api, need(kam.ActEdit, kam.ResCustomer), huma.Operation{OperationID: "delete-" + c.name, Method: http.MethodDelete, Path: apiPrefix + "/" + c.plural + "/{id}",
		Summary: "Delete a " + c.name, Tags: tags, DefaultStatus: http.StatusNoContent},
		func(ctx context.Context, in *deleteInput) (*struct{}, error) {
			version, err := parseIfMatch(in.IfMatch)
			if err != nil {
				return nil, err
			}
			if err := c.remove(ctx, in.ID, version); err != nil {
				return nil, s.apiError(ctx, err)
			}
			return nil, nil
		})
}

func (s *Server) registerUnitContactAPI(api huma.API) {
	cs := s.Customers
	registerChild(s, api, childAPI[kam.Unit]{
		name: "unit", plural: "units", fields: unitFields,
		version: func(u *kam.Unit) int64 { return u.Version }, id: func(u *kam.Unit) int64 { return u.ID },
		setCustomer: func(u *kam.Unit, id int64) { u.CustomerID = id }, customer: func(u *kam.Unit) int64 { return u.CustomerID },
		list: cs.FindUnits, create: cs.CreateUnit, get: cs.FindUnitByID, update: cs.UpdateUnit, remove: cs.DeleteUnit,
	})
	registerChild(s, api, childAPI[kam.Contact]{
		name: "contact", plural: "contacts", fields: contactFields,
		version: func(c *kam.Contact) int64 { return c.Version }, id: func(c *kam.Contact) int64 { return c.ID },
		setCustomer: func(c *kam.Contact, id int64) { c.CustomerID = id }, customer: func(c *kam.Contact) int64 { return c.CustomerID },
		list: cs.FindContacts, create: cs.CreateContact, get: cs.FindContactByID, update: cs.UpdateContact, remove: cs.DeleteContact,
	})
}
