package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"kam"
)

// History gives a loaded portfolio a past: for a sample of customers it replays, through the
// customer service and as each customer's owner, the edits a sales team makes over a year and a
// half — a stage reached, a tag added, a contact promoted or given a new phone, an office moved, a
// new person met — at moments spread between from and to. setClock moves the store's clock to
// each moment, so that the history timeline and the card "as of" a date show a real evolution.
//
// It edits about one customer in 20 (at most 400) and returns the number of edits. The same
// portfolio and seed give the same edits.
func History(ctx context.Context, svc kam.CustomerService, p *Portfolio, seed int64, from, to time.Time, setClock func(time.Time)) (int, error) {
	r := rand.New(rand.NewPCG(uint64(seed), pcgStream+1))
	users := make(map[int64]*kam.User, len(p.Users))
	for i := range p.Users {
		users[p.Users[i].User.ID] = &p.Users[i].User
	}
	contactsOf := map[int64][]*kam.Contact{}
	for _, c := range p.Contacts {
		contactsOf[c.CustomerID] = append(contactsOf[c.CustomerID], c)
	}
	type edit struct {
		at       time.Time
		customer *kam.Customer
		kind     int
	}
	var edits []edit
	span := to.Sub(from)
	for i, c := range p.Customers {
		if i%20 != 7 || len(edits) >= 1000 {
			continue
		}
		for n := 1 + r.IntN(3); n > 0; n-- {
			edits = append(edits, edit{at: from.Add(time.Duration(r.Int64N(int64(span)))), customer: c, kind: r.IntN(6)})
		}
	}
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].at.Before(edits[j].at) })
	done := 0
	for _, e := range edits {
		setClock(e.at)
		owner := users[e.customer.OwnerID]
		if owner == nil {
			continue
		}
		actx := kam.WithActor(ctx, kam.ActorOf(owner))
		cur, err := svc.FindCustomerByID(actx, e.customer.ID)
		if err != nil {
			return done, fmt.Errorf("demo history, customer %d: %w", e.customer.ID, err)
		}
		contacts := contactsOf[e.customer.ID]
		switch e.kind {
		case 0: // the relationship deepens
			next := map[string]string{"identify": "establish", "establish": "deepen", "deepen": "maintain"}[cur.Stage]
			if next == "" || cur.Status == "lost" {
				continue
			}
			_, err = svc.UpdateCustomer(actx, cur.ID, cur.Version, func(c *kam.Customer) error {
				c.Stage = next
				if c.Status == "prospect" {
					c.Status = "active"
				}
				return nil
			})
		case 1: // the customer is singled out
			tag := []string{"重点培养", "战略客户", "价格敏感", "账期长"}[r.IntN(4)]
			_, err = svc.UpdateCustomer(actx, cur.ID, cur.Version, func(c *kam.Customer) error {
				for _, t := range c.Tags {
					if t == tag {
						return nil
					}
				}
				c.Tags = append(c.Tags, tag)
				return nil
			})
		case 2: // an office moves
			_, err = svc.UpdateCustomer(actx, cur.ID, cur.Version, func(c *kam.Customer) error {
				c.Address = fmt.Sprintf("%s%d号", strings.TrimRight(c.Address, "0123456789号楼综合办公A座B座"), 1+r.IntN(300))
				return nil
			})
		case 3, 4: // a contact is promoted or changes phone
			if len(contacts) == 0 {
				continue
			}
			ct := contacts[r.IntN(len(contacts))]
			cur, ferr := svc.FindContactByID(actx, ct.ID)
			if ferr != nil {
				return done, fmt.Errorf("demo history, contact %d: %w", ct.ID, ferr)
			}
			promote := e.kind == 3
			_, err = svc.UpdateContact(actx, cur.ID, cur.Version, func(c *kam.Contact) error {
				if promote {
					c.Title = strings.Replace(strings.Replace(c.Title, "经理", "总监", 1), "主管", "经理", 1)
					if c.Relationship < 5 {
						c.Relationship++
					}
					return nil
				}
				c.Phones = []string{fmt.Sprintf("1%d%08d", []int{35, 36, 37, 38, 39, 58, 59, 86}[r.IntN(8)], r.IntN(100_000_000))}
				return nil
			})
		case 5: // a new person joins the buying centre
			given := []string{"建华", "丽娟", "志强", "晓燕", "海涛", "文静"}[r.IntN(6)]
			family := []string{"王", "李", "张", "刘", "陈", "杨"}[r.IntN(6)]
			nc := &kam.Contact{CustomerID: cur.ID, Name: family + given, Title: "采购专员", PurchaseRole: "user",
				Phones: []string{fmt.Sprintf("139%08d", r.IntN(100_000_000))}}
			if len(contacts) > 0 {
				nc.ReportsToID = &contacts[0].ID
			}
			err = svc.CreateContact(actx, nc)
		}
		if err != nil {
			return done, fmt.Errorf("demo history, customer %d: %w", e.customer.ID, err)
		}
		done++
	}
	return done, nil
}
