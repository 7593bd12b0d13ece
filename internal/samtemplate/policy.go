package samtemplate

import (
	"fmt"
	"path"
	"strings"
)

// Statement is one resolved IAM policy statement.
type Statement struct {
	Effect    string
	Actions   []string
	Resources []string
}

// RoleStatements are the inline policy statements of the role a Lambda
// function (by its logical id in the transformed template) runs with.
// Managed policies are returned by name in managed: SAM adds
// AWSLambdaBasicExecutionRole (logs) and AWSXrayWriteOnlyAccess (tracing),
// which serve the runtime, not the handler.
func (t *Template) RoleStatements(function string) (stmts []Statement, managed []string, err error) {
	fn, ok := t.Resources[function]
	if !ok || fn.Type != "AWS::Lambda::Function" {
		return nil, nil, fmt.Errorf("no AWS::Lambda::Function %s", function)
	}
	role := fmt.Sprint(t.Resolve(fn.Properties["Role"]))
	roleID := ""
	for _, id := range t.OfType("AWS::IAM::Role") {
		if t.Arn(id) == role {
			roleID = id
		}
	}
	if roleID == "" {
		return nil, nil, fmt.Errorf("%s: role %s is not in the template", function, role)
	}
	props := t.Resolve(t.Resources[roleID].Properties).(map[string]any)
	for _, m := range asList(props["ManagedPolicyArns"]) {
		managed = append(managed, path.Base(fmt.Sprint(m)))
	}
	for _, p := range asList(props["Policies"]) {
		doc, _ := p.(map[string]any)["PolicyDocument"].(map[string]any)
		for _, s := range asList(doc["Statement"]) {
			m := s.(map[string]any)
			st := Statement{Effect: fmt.Sprint(m["Effect"])}
			for _, a := range asList(m["Action"]) {
				st.Actions = append(st.Actions, fmt.Sprint(a))
			}
			for _, r := range asList(m["Resource"]) {
				st.Resources = append(st.Resources, fmt.Sprint(r))
			}
			if m["NotAction"] != nil || m["NotResource"] != nil || m["Condition"] != nil {
				return nil, nil, fmt.Errorf("%s: NotAction, NotResource and Condition are not read here", roleID)
			}
			stmts = append(stmts, st)
		}
	}
	return stmts, managed, nil
}

func asList(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	}
	return []any{v}
}

// Allows reports whether an Allow statement grants action on resource and
// no Deny statement refuses it. Action and resource patterns use IAM's
// wildcards (* and ?); actions match without regard to case.
func Allows(stmts []Statement, action, resource string) bool {
	allowed := false
	for _, s := range stmts {
		if !matchAny(s.Actions, action, true) || !matchAny(s.Resources, resource, false) {
			continue
		}
		if s.Effect == "Deny" {
			return false
		}
		allowed = allowed || s.Effect == "Allow"
	}
	return allowed
}

func matchAny(patterns []string, s string, fold bool) bool {
	for _, p := range patterns {
		if fold {
			p, s = strings.ToLower(p), strings.ToLower(s)
		}
		if wildcard(p, s) {
			return true
		}
	}
	return false
}

// wildcard matches IAM patterns: * any run of characters (slashes too), ?
// one character.
func wildcard(p, s string) bool {
	for len(p) > 0 {
		switch p[0] {
		case '*':
			for i := len(s); i >= 0; i-- {
				if wildcard(p[1:], s[i:]) {
					return true
				}
			}
			return false
		case '?':
			if s == "" {
				return false
			}
		default:
			if s == "" || s[0] != p[0] {
				return false
			}
		}
		p, s = p[1:], s[1:]
	}
	return s == ""
}
