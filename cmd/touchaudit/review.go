//go:build !demoonly

package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/lambdaenv"
	"touchaudit/internal/lambdaenv/executions"
	"touchaudit/internal/workflow"
)

func init() {
	register("review", "start an ad-hoc review on AWS or a local endpoint (review start --company ID)", runReviewCmd)
}

const reviewUsage = `usage: touchaudit review start --company ID [--review-id ID] [--name TEXT]
         [--opens RFC3339] [--closes RFC3339] [--standard VERSION] [--previous REVIEW]
         [--journeys a,b] [--touchpoints x,y] [--walks N] [--max-per-auditor N] [--seed N]

Starts the review state machine for a CX lead's ad-hoc review (the half-yearly
ones start from the schedule in template.yaml). It uses the deployed stack:
TABLE_NAME, REVIEW_STATE_MACHINE_ARN and AUDIT_STATE_MACHINE_ARN, with the
usual AWS credentials; DYNAMODB_ENDPOINT and SFN_ENDPOINT point it at local
services instead. Prints the review as JSON.
`

func runReviewCmd(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "start" {
		fmt.Fprint(stderr, reviewUsage)
		return 2
	}
	req, err := parseReviewStart(args[1:], stderr)
	if err != nil {
		fmt.Fprintf(stderr, "review start: %v\n\n%s", err, reviewUsage)
		return 2
	}
	if os.Getenv("REVIEW_STATE_MACHINE_ARN") == "" {
		fmt.Fprintln(stderr, "review start: REVIEW_STATE_MACHINE_ARN is not set (the stack output ReviewStateMachineArn)")
		return 2
	}
	ctx := context.Background()
	env, err := lambdaenv.Load(ctx, os.Getenv)
	if err != nil {
		fmt.Fprintf(stderr, "review start: %v\n", err)
		return 1
	}
	wf := env.Workflow(executions.New(env), nil)
	out, err := wf.Reviews.StartReview(ctx, req)
	if err != nil {
		fmt.Fprintf(stderr, "review start: %v\n", err)
		if audit.IsCode(err, audit.Invalid) {
			return 2
		}
		return 1
	}
	b, _ := json.MarshalIndent(out, "", "  ")
	fmt.Fprintln(stdout, string(b))
	return 0
}

func parseReviewStart(args []string, stderr io.Writer) (workflow.ReviewRequest, error) {
	var req workflow.ReviewRequest
	fs := flag.NewFlagSet("review start", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&req.CompanyID, "company", "", "company id")
	fs.StringVar(&req.ReviewID, "review-id", "", "review id, <company>.<name> (default <company>.adhoc-<yyyymmdd-hhmm> of the opening; names beginning h- are the schedule's)")
	fs.StringVar(&req.Name, "name", "", "review name")
	fs.StringVar(&req.StandardVersion, "standard", "", "standard version (default: the one in force)")
	fs.StringVar(&req.PreviousReviewID, "previous", "", "previous review, for drift")
	fs.StringVar(&req.RequestedBy, "requested-by", "", "the CX lead's staff id")
	opens := fs.String("opens", "", "opening time (RFC3339); in the future, the review waits for it")
	closes := fs.String("closes", "", "closing time (RFC3339; default six weeks after opening)")
	journeys := fs.String("journeys", "", "comma-separated journey ids (default all)")
	touchpoints := fs.String("touchpoints", "", "comma-separated touchpoint ids (default all due)")
	fs.IntVar(&req.Scope.WalksPerTouchpoint, "walks", 0, "independent walks per touchpoint (default 2)")
	fs.IntVar(&req.Scope.MaxPerAuditor, "max-per-auditor", 0, "cap per auditor (default 6)")
	fs.Int64Var(&req.Seed, "seed", 0, "assignment seed (default from the opening time)")
	if err := fs.Parse(args); err != nil {
		return req, err
	}
	if req.CompanyID == "" {
		return req, fmt.Errorf("--company is required")
	}
	for _, f := range []struct {
		flag, v string
		dst     **time.Time
	}{{"--opens", *opens, &req.Opens}, {"--closes", *closes, &req.Closes}} {
		if f.v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, f.v)
		if err != nil {
			return req, fmt.Errorf("%s: %q is not an RFC3339 time", f.flag, f.v)
		}
		*f.dst = &t
	}
	req.Scope.Journeys = splitList(*journeys)
	req.Scope.Touchpoints = splitList(*touchpoints)
	return req, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
