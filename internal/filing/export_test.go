package filing

import "time"

// PageQuery is the statement ListMatters runs for one page of f (after
// the position at, id if id is set), not recorded, for the plan tests.
func (s *Store) PageQuery(f Filter, at time.Time, id string, pageSize int) (string, []any) {
	var after *cursor
	if id != "" {
		after = &cursor{Time: at, ID: id}
	}
	q, args, _ := s.pageQuery(f, after, pageSize, nil)
	return q, args
}

// ReachQuery is the statement Reach runs, for the plan tests.
func (s *Store) ReachQuery(v Visibility, matterIDs []string) (string, []any) {
	q, args, _ := s.reachQuery(v, matterIDs)
	return q, args
}
