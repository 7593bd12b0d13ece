package assign

import (
	"touchaudit/internal/audit"
)

// NewTasks lists walks tasks for each of the company's touchpoints ids, in
// order; walks 0 means DefaultWalksPerTouchpoint.
func NewTasks(c *audit.Company, touchpointIDs []string, walks int) ([]Task, error) {
	if walks < 0 {
		return nil, audit.Errorf(audit.Invalid, "walks per touchpoint must not be negative, not %d", walks)
	}
	if walks == 0 {
		walks = DefaultWalksPerTouchpoint
	}
	all := c.Touchpoints()
	byID := make(map[string]*audit.Touchpoint, len(all))
	for i := range all {
		byID[all[i].ID] = &all[i].Touchpoint
	}
	tasks := make([]Task, 0, len(touchpointIDs)*walks)
	for _, id := range touchpointIDs {
		tp, ok := byID[id]
		if !ok {
			return nil, audit.Errorf(audit.Invalid, "company %s has no touchpoint %q", c.ID, id)
		}
		for w := 1; w <= walks; w++ {
			tasks = append(tasks, TaskOf(tp, w))
		}
	}
	return tasks, nil
}

// TaskOf is walk number walk of touchpoint tp.
func TaskOf(tp *audit.Touchpoint, walk int) Task {
	return Task{TouchpointID: tp.ID, Walk: walk, OwnerUnit: tp.OwnerUnit, Channel: tp.Channel, Language: tp.VisitLanguage()}
}

// NewRequest builds the request for staffing review r of company c: the
// review's walks of each of touchpointIDs, the company's staff and units,
// the review's cap and seed, and who walked each touchpoint in the previous
// review (touchpoint id → auditor ids; nil when there was none).
func NewRequest(c *audit.Company, r *audit.Review, touchpointIDs []string, previous map[string][]string) (Request, error) {
	tasks, err := NewTasks(c, touchpointIDs, r.Scope.WalksPerTouchpoint)
	if err != nil {
		return Request{}, err
	}
	return Request{
		Tasks:         tasks,
		Auditors:      c.Staff,
		Units:         c.Units,
		Previous:      previous,
		MaxPerAuditor: r.Scope.MaxPerAuditor,
		Seed:          r.Seed,
	}, nil
}
