package workflow

import (
	"context"
	"encoding/json"
	"slices"

	"touchaudit/internal/assign"
	"touchaudit/internal/audit"
)

// Audits, the second missed deadline: hand the walk to another auditor.

// Reassign handles the second missed deadline: the walk goes to another
// eligible auditor (same rules as the assignment engine, least-loaded
// first) in a new assignment with its own audit execution; the old one ends
// as reassigned. If nobody is eligible, the walk expires and counts as done.
// A walk that arrived after all is scored instead.
func (s *Audits) Reassign(ctx context.Context, in DeadlineInput) (DeadlineOutput, error) {
	a, err := s.store.GetAssignment(ctx, in.AssignmentID)
	if err != nil {
		return DeadlineOutput{}, err
	}
	switch {
	case a.WalkthroughID != "":
		return DeadlineOutput{Submitted: true, WalkthroughID: a.WalkthroughID}, nil
	case a.Status == audit.StatusExpired:
		return DeadlineOutput{Expired: true}, nil
	case a.Status == audit.StatusReassigned:
		// A retry after the switch: make sure the replacement runs.
		return s.startReplacement(ctx, replacementID(a.ID))
	}
	r, err := s.store.GetReview(ctx, a.ReviewID)
	if err != nil {
		return DeadlineOutput{}, err
	}
	c, err := s.store.GetCompany(ctx, a.CompanyID)
	if err != nil {
		return DeadlineOutput{}, err
	}
	ref, ok := c.Touchpoint(a.TouchpointID)
	if !ok {
		return DeadlineOutput{}, conflict("touchpoint %s is no longer in the company's journeys", a.TouchpointID)
	}
	load, walkers, err := s.reviewLoad(ctx, r.ID, a.TouchpointID)
	if err != nil {
		return DeadlineOutput{}, err
	}
	prev, err := s.previousAuditors(ctx, r.PreviousReviewID)
	if err != nil {
		return DeadlineOutput{}, err
	}
	maxLoad := r.Scope.MaxPerAuditor
	if maxLoad == 0 {
		maxLoad = assign.DefaultMaxPerAuditor
	}
	task := assign.TaskOf(&ref.Touchpoint, a.Walk)
	need := assign.NeedOf(task, c.Units)
	// Offer the walk to the least-loaded auditors the rule lets walk it
	// first, widening the pool one load level at a time; the engine picks
	// among them as in the review's plan (previous walkers last, seeded ties).
	var candidates []audit.Staff
	var chosen string
	for level := 0; level < maxLoad && chosen == ""; level++ {
		for _, st := range c.Auditors() {
			if load[st.ID] == level && st.ID != a.AuditorID && !slices.Contains(walkers, st.ID) && need.RuledOut(&st) == "" {
				candidates = append(candidates, st)
			}
		}
		if len(candidates) == 0 {
			continue
		}
		plan, err := assign.Assign(assign.Request{Tasks: []assign.Task{task}, Auditors: candidates, Units: c.Units,
			Previous: map[string][]string{a.TouchpointID: prev[a.TouchpointID]}, MaxPerAuditor: maxLoad, Seed: r.Seed + int64(a.Walk)})
		if err != nil {
			return DeadlineOutput{}, err
		}
		if len(plan.Assigned) == 1 {
			chosen = plan.Assigned[0].AuditorID
		}
	}
	now := s.clock.Now()
	if chosen == "" {
		a.Failure = "no other eligible auditor after two missed deadlines"
		if err := a.MoveTo(audit.StatusExpired, now); err != nil {
			return DeadlineOutput{}, err
		}
		if err := s.store.UpdateAssignment(ctx, a); err != nil {
			return DeadlineOutput{}, err
		}
		if _, err := s.markDone(ctx, r.ID, a.ID); err != nil {
			return DeadlineOutput{}, err
		}
		s.tellLeads(ctx, Notification{Kind: NotifyWalkExpired, CompanyID: a.CompanyID, ReviewID: a.ReviewID, AssignmentID: a.ID,
			TouchpointID: a.TouchpointID, AuditorID: a.AuditorID, Subject: audit.Label{PL: "Audyt wygasł", EN: "A walk expired"}})
		return DeadlineOutput{Expired: true}, nil
	}
	due := now.Add(s.cfg.AssignmentPeriod)
	if due.After(r.Window.Closes) {
		due = later(r.Window.Closes, now.Add(s.cfg.ReminderExtension))
	}
	repl := audit.Assignment{ID: replacementID(a.ID), CompanyID: a.CompanyID, ReviewID: a.ReviewID, TouchpointID: a.TouchpointID,
		AuditorID: chosen, Status: audit.StatusAssigned, Due: due, Walk: a.Walk, ReplacesID: a.ID, UpdatedAt: now, AssignedAt: now, StandardVersion: a.StandardVersion}
	if err := s.store.PutAssignments(ctx, []audit.Assignment{repl}); err != nil {
		return DeadlineOutput{}, err
	}
	if err := a.MoveTo(audit.StatusReassigned, now); err != nil {
		return DeadlineOutput{}, err
	}
	if err := s.store.UpdateAssignment(ctx, a); err != nil {
		return DeadlineOutput{}, err
	}
	return s.startReplacement(ctx, repl.ID)
}

func (s *Audits) startReplacement(ctx context.Context, id string) (DeadlineOutput, error) {
	repl, err := s.store.GetAssignment(ctx, id)
	if err != nil {
		return DeadlineOutput{}, err
	}
	in, _ := json.Marshal(AuditInput{AssignmentID: repl.ID, ReviewID: repl.ReviewID, TimeoutSeconds: secondsUntil(s.clock.Now(), repl.Due)})
	if err := s.exec.StartExecution(ctx, s.cfg.AuditStateMachineArn, repl.ID, in); err != nil {
		return DeadlineOutput{}, err
	}
	s.notifyAssignment(ctx, NotifyReassigned, repl)
	s.tellLeads(ctx, Notification{Kind: NotifyWalkReassigned, CompanyID: repl.CompanyID, ReviewID: repl.ReviewID, AssignmentID: repl.ID,
		TouchpointID: repl.TouchpointID, AuditorID: repl.AuditorID, Due: repl.Due, Subject: audit.Label{PL: "Audyt przekazany innej osobie", EN: "A walk was reassigned"}})
	return DeadlineOutput{Replacement: repl.ID}, nil
}

func replacementID(id string) string { return id + ".r" }

// reviewLoad counts each auditor's live walks in the review and lists who
// walks the given touchpoint. It reads the review's assignments, which is
// fine for the rare reassignment and never needed on the common path.
func (s *Audits) reviewLoad(ctx context.Context, reviewID, touchpointID string) (map[string]int, []string, error) {
	as, err := s.assignmentsIn(ctx, reviewID, audit.StatusAssigned, audit.StatusStarted, audit.StatusSubmitted, audit.StatusScored, audit.StatusClosed)
	if err != nil {
		return nil, nil, err
	}
	load := map[string]int{}
	var walkers []string
	for _, a := range as {
		load[a.AuditorID]++
		if a.TouchpointID == touchpointID {
			walkers = append(walkers, a.AuditorID)
		}
	}
	return load, walkers, nil
}
