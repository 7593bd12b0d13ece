// Package iamtrace records the AWS calls a program makes as the IAM actions
// and resources they need: a reverse proxy in front of an AWS API server
// (moto in tests) with one endpoint per caller, so that each Lambda
// function's calls are kept apart. Tests compare them with the policies a
// template grants (functions/policy_test.go).
//
// It knows the APIs touchaudit uses: the JSON APIs named by X-Amz-Target
// (DynamoDB, Step Functions, Cognito user pools), SES v2 and S3 REST. A
// request it cannot name is recorded as action "unknown" with its method and
// path, so that a new kind of call fails the comparison instead of passing
// unseen.
package iamtrace

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// Call is one IAM action on one resource. Resource is service-relative:
// "table/<name>" or "table/<name>/index/<index>" (DynamoDB), a state machine
// ARN or "*" (Step Functions: task tokens name no resource),
// "userpool/<id>" (Cognito), "identity/<address>" (SES), "<bucket>/<key>"
// (S3).
type Call struct {
	Action   string
	Resource string
}

// Recorder is the proxy and what it saw, by caller.
type Recorder struct {
	target *url.URL
	mu     sync.Mutex
	calls  map[string]map[Call]bool
}

// New records calls to the AWS API server at target (http://host:port).
func New(target string) (*Recorder, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	return &Recorder{target: u, calls: map[string]map[Call]bool{}}, nil
}

// Endpoint starts a proxy for one caller on 127.0.0.1 and returns its URL
// and a function that stops it.
func (r *Recorder) Endpoint(caller string) (string, func(), error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	proxy := httputil.NewSingleHostReverseProxy(r.target)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, err := io.ReadAll(req.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		r.add(caller, Calls(req, body))
		proxy.ServeHTTP(w, req)
	})}
	go srv.Serve(l)
	return "http://" + l.Addr().String(), func() { srv.Close() }, nil
}

func (r *Recorder) add(caller string, calls []Call) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.calls[caller] == nil {
		r.calls[caller] = map[Call]bool{}
	}
	for _, c := range calls {
		r.calls[caller][c] = true
	}
}

// Calls returns what caller did, sorted.
func (r *Recorder) Calls(caller string) []Call {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Call
	for c := range r.calls[caller] {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Call) int { return strings.Compare(a.Action+" "+a.Resource, b.Action+" "+b.Resource) })
	return out
}

// targetServices maps an X-Amz-Target prefix to its IAM service prefix.
var targetServices = map[string]string{
	"DynamoDB_20120810":                 "dynamodb",
	"AWSStepFunctions":                  "states",
	"AWSCognitoIdentityProviderService": "cognito-idp",
}

// Calls names the IAM actions and resources one request needs.
func Calls(req *http.Request, body []byte) []Call {
	if target := req.Header.Get("X-Amz-Target"); target != "" {
		prefix, op, _ := strings.Cut(target, ".")
		switch targetServices[prefix] {
		case "dynamodb":
			return dynamoCalls(op, body)
		case "states":
			return statesCalls(op, body)
		case "cognito-idp":
			var in struct{ UserPoolId string }
			_ = json.Unmarshal(body, &in)
			return []Call{{"cognito-idp:" + op, "userpool/" + in.UserPoolId}}
		}
		return []Call{unknown(req)}
	}
	if strings.HasPrefix(req.URL.Path, "/v2/email/") {
		return sesCalls(req, body)
	}
	return s3Calls(req)
}

func unknown(req *http.Request) Call {
	return Call{"unknown", req.Method + " " + req.URL.Path + " " + req.Header.Get("X-Amz-Target")}
}

// dynamoCalls: a transaction needs the action of each item, not one of its
// own (DynamoDB developer guide, "Using IAM with DynamoDB transactions");
// batch operations need their own actions.
func dynamoCalls(op string, body []byte) []Call {
	var in struct {
		TableName     string
		IndexName     string
		RequestItems  map[string]json.RawMessage
		TransactItems []map[string]struct{ TableName string }
	}
	_ = json.Unmarshal(body, &in)
	switch op {
	case "BatchGetItem", "BatchWriteItem":
		var out []Call
		for table := range in.RequestItems {
			out = append(out, Call{"dynamodb:" + op, "table/" + table})
		}
		return out
	case "TransactWriteItems", "TransactGetItems":
		item := map[string]string{"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem", "ConditionCheck": "ConditionCheckItem", "Get": "GetItem"}
		var out []Call
		for _, ti := range in.TransactItems {
			for kind, v := range ti {
				out = append(out, Call{"dynamodb:" + item[kind], "table/" + v.TableName})
			}
		}
		return out
	}
	res := "table/" + in.TableName
	if in.IndexName != "" {
		res += "/index/" + in.IndexName
	}
	return []Call{{"dynamodb:" + op, res}}
}

func statesCalls(op string, body []byte) []Call {
	var in struct {
		StateMachineArn string `json:"stateMachineArn"`
		ExecutionArn    string `json:"executionArn"`
	}
	_ = json.Unmarshal(body, &in)
	switch {
	case in.StateMachineArn != "":
		return []Call{{"states:" + op, in.StateMachineArn}}
	case in.ExecutionArn != "":
		return []Call{{"states:" + op, in.ExecutionArn}}
	}
	return []Call{{"states:" + op, "*"}}
}

func sesCalls(req *http.Request, body []byte) []Call {
	if req.Method == http.MethodPost && req.URL.Path == "/v2/email/outbound-emails" {
		var in struct{ FromEmailAddress string }
		_ = json.Unmarshal(body, &in)
		return []Call{{"ses:SendEmail", "identity/" + in.FromEmailAddress}}
	}
	if req.Method == http.MethodPost && req.URL.Path == "/v2/email/identities" {
		var in struct{ EmailIdentity string }
		_ = json.Unmarshal(body, &in)
		return []Call{{"ses:CreateEmailIdentity", "identity/" + in.EmailIdentity}}
	}
	return []Call{unknown(req)}
}

// s3Calls knows object requests in path style (moto): HeadObject is
// authorised as s3:GetObject (S3 API reference, HeadObject).
func s3Calls(req *http.Request) []Call {
	bucket, key, _ := strings.Cut(strings.TrimPrefix(req.URL.Path, "/"), "/")
	if bucket == "" || key == "" || len(req.URL.Query()) > 0 && !req.URL.Query().Has("x-id") {
		return []Call{unknown(req)}
	}
	switch req.Method {
	case http.MethodGet, http.MethodHead:
		return []Call{{"s3:GetObject", bucket + "/" + key}}
	case http.MethodPut:
		return []Call{{"s3:PutObject", bucket + "/" + key}}
	case http.MethodDelete:
		return []Call{{"s3:DeleteObject", bucket + "/" + key}}
	}
	return []Call{unknown(req)}
}
