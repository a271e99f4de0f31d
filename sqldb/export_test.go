package sqldb

import (
	"context"

	"kam"
)

// FindCustomersSQL exposes the SQL reference implementation of customer lists to tests.
func (s *CustomerService) FindCustomersSQL(ctx context.Context, f kam.CustomerFilter) ([]*kam.Customer, int, error) {
	return s.findCustomersSQL(ctx, f)
}
