package sqldb

import (
	"context"

	"kam"
)

// FindCustomersDirectory answers a list from the directory (built when needed), for tests.
func (s *CustomerService) FindCustomersDirectory(ctx context.Context, f kam.CustomerFilter) ([]*kam.Customer, int, error) {
	return s.findCustomersDirectory(ctx, f)
}

// FindCustomersSQL exposes the SQL implementation of customer lists to tests.
func (s *CustomerService) FindCustomersSQL(ctx context.Context, f kam.CustomerFilter) ([]*kam.Customer, int, error) {
	return s.findCustomersSQL(ctx, f)
}

// CardBothWays reads a card pipelined (PostgreSQL) and with three separate queries.
func (s *CustomerService) CardBothWays(ctx context.Context, id int64) (*kam.Card, *kam.Card, error) {
	a := kam.ActorFrom(ctx)
	one, err := s.readCardPipelined(ctx, a, id)
	if err != nil {
		return nil, nil, err
	}
	three, err := s.readCard(ctx, s.db.reader(), a, id)
	return one, three, err
}
