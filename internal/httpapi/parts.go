package httpapi

import (
	"strings"

	"touchaudit/internal/audit"
)

// Part is the routes of the API that one Lambda function serves in AWS,
// grouped by the AWS clients they need, so that each function links only
// its routes' code and clients (README "Lambda bundles and cold starts").
// `touchaudit local` serves every part in one handler (New); template.yaml
// sends each part's routes to its function, which functions/routes_test.go
// checks against this table.
type Part struct {
	// Function is the serving function's directory under functions/.
	Function string
	// CatchAll: the function also gets every other path under /api
	// (template.yaml's /api/{proxy+}), which it answers 404.
	CatchAll bool
	routes   func() []route
}

// FormFunction is the function that serves every path outside /api: the
// mobile audit form (Options.Form, internal/webform) and no route.
const FormFunction = "form"

// The parts, one variable each, so that a function's main names its own
// and links only its routes' handlers (the route tables are functions, not
// values, for the same reason: a package variable's initialiser would link
// every handler it names into every binary importing the package).
var (
	// Auditors are the auditors' walks and the reviews', QA's and
	// actions' routes of the CX leads: DynamoDB and Step Functions.
	Auditors = Part{"api", true, auditorRoutes}
	// Evidence is the walks' files: DynamoDB and the S3 evidence bucket.
	Evidence = Part{"evidence", false, evidenceRoutes}
	// Company is the company's configuration: DynamoDB and the Cognito
	// user pool (PUT /api/company syncs the staff).
	Company = Part{"company", false, companyRoutes}
)

// parts lists every part, in the order New matches their routes. Pointers
// keep it a static table that a main naming one part does not link.
var parts = []*Part{&Auditors, &Evidence, &Company}

// Parts lists the API's parts.
func Parts() []Part {
	out := make([]Part, len(parts))
	for i, p := range parts {
		out[i] = *p
	}
	return out
}

// RouteKey is a route as API Gateway names it: "GET /api/evidence/{evId}".
type RouteKey string

// Routes are the part's routes.
func (p Part) Routes() []RouteKey {
	var out []RouteKey
	for _, r := range p.routes() {
		out = append(out, RouteKey(r.method+" /"+strings.Join(r.path, "/")))
	}
	return out
}

func auditorRoutes() []route {
	return []route{
		{"GET", segs("/api/me"), anyRole, 0, (*Handler).me},
		{"GET", segs("/api/assignments"), audit.RoleAuditor, 0, (*Handler).myAssignments},
		{"GET", segs("/api/assignments/{id}"), audit.RoleAuditor, 0, (*Handler).myAssignment},
		{"POST", segs("/api/assignments/{id}/start"), audit.RoleAuditor, MaxBody, (*Handler).start},
		{"PUT", segs("/api/assignments/{id}/draft"), audit.RoleAuditor, MaxBody, (*Handler).draft},
		{"POST", segs("/api/assignments/{id}/submit"), audit.RoleAuditor, MaxBody, (*Handler).submit},
		{"POST", segs("/api/assignments/{id}/promises/{promiseId}"), audit.RoleAuditor, MaxBody, (*Handler).confirmPromise},
		{"POST", segs("/api/reviews"), audit.RoleLead, MaxBody, (*Handler).startReview},
		{"GET", segs("/api/reviews/interim"), audit.RoleLead, 0, (*Handler).interim},
		{"POST", segs("/api/reviews/interim"), audit.RoleLead, MaxBody, (*Handler).startInterim},
		{"GET", segs("/api/reviews/{id}"), audit.RoleLead, 0, (*Handler).review},
		{"GET", segs("/api/reviews/{id}/report"), audit.RoleLead, 0, (*Handler).report},
		{"POST", segs("/api/actions"), audit.RoleLead, MaxBody, (*Handler).createAction},
		{"GET", segs("/api/actions"), audit.RoleLead, 0, (*Handler).listActions},
		{"GET", segs("/api/actions/overdue"), audit.RoleLead, 0, (*Handler).overdueActions},
		{"GET", segs("/api/actions/{id}"), audit.RoleLead, 0, (*Handler).action},
		{"POST", segs("/api/actions/{id}/status"), audit.RoleLead, MaxBody, (*Handler).moveAction},
		{"GET", segs("/api/trail"), audit.RoleLead, 0, (*Handler).trail},
		{"GET", segs("/api/outbox"), audit.RoleLead, 0, (*Handler).sentMessages},
		{"GET", segs("/api/qa"), audit.RoleLead, 0, (*Handler).qaQueue},
		{"POST", segs("/api/results/{id}/approve"), audit.RoleLead, MaxBody, decideQA(audit.DecideApprove)},
		{"POST", segs("/api/results/{id}/reject"), audit.RoleLead, MaxBody, decideQA(audit.DecideReject)},
		{"POST", segs("/api/results/{id}/hold"), audit.RoleLead, MaxBody, decideQA(audit.DecideHold)},
		{"POST", segs("/api/results/{id}/appeal"), anyRole, MaxBody, (*Handler).appeal},
		{"GET", segs("/api/appeals"), audit.RoleLead, 0, (*Handler).appealsQueue},
		{"POST", segs("/api/appeals/{id}/decide"), audit.RoleLead, MaxBody, (*Handler).decideAppeal},
	}
}

func evidenceRoutes() []route {
	return []route{
		{"POST", segs("/api/assignments/{id}/evidence"), audit.RoleAuditor, MaxBody, (*Handler).requestEvidence},
		{"POST", segs("/api/assignments/{id}/evidence/{evId}/uploaded"), audit.RoleAuditor, MaxBody, (*Handler).confirmEvidence},
		// A lead of the company or the auditor who uploaded the file: decided
		// by the evidence use case, anyone else is answered 404.
		{"GET", segs("/api/evidence/{evId}"), anyRole, 0, (*Handler).evidenceFile},
	}
}

func companyRoutes() []route {
	return []route{
		{"GET", segs("/api/company"), audit.RoleLead, 0, (*Handler).company},
		{"PUT", segs("/api/company"), audit.RoleLead, MaxCompanyBody, (*Handler).importCompany},
	}
}
