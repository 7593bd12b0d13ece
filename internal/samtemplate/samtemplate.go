// Package samtemplate reads template.yaml as CloudFormation will see it:
// transformed offline by samtranslator (the package cfn-lint runs, through
// transform.py and python3), with its intrinsic functions resolved for one
// stack. Tests use it to check the roles functions get and the names two
// stacks in one account would take.
package samtemplate

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

//go:embed transform.py
var transformScript []byte

// Stack is where a template is deployed: pseudo parameters and parameter
// values (the template's defaults fill the rest).
type Stack struct {
	Name, Region, Account string
	Parameters            map[string]string
}

// Template is a transformed template for one stack.
type Template struct {
	Resources  map[string]Resource
	Parameters map[string]struct {
		Default any
	}
	Conditions map[string]any
	stack      Stack
}

// Resource is one CloudFormation resource.
type Resource struct {
	Type                string
	Condition           string
	DeletionPolicy      string
	UpdateReplacePolicy string
	Properties          map[string]any
}

// Transform transforms the SAM template at path for stack s. python3 with
// samtranslator and cfn-lint is required: a machine without them fails.
func Transform(ctx context.Context, path string, s Stack) (*Template, error) {
	python, err := exec.LookPath("python3")
	if err != nil {
		return nil, fmt.Errorf("python3 is required to transform %s (with the samtranslator and cfn-lint packages): %w", path, err)
	}
	script := filepath.Join(os.TempDir(), fmt.Sprintf("touchaudit-transform-%d.py", os.Getpid()))
	if err := os.WriteFile(script, transformScript, 0o600); err != nil {
		return nil, err
	}
	defer os.Remove(script)
	args := []string{script, path, s.Name, s.Region, s.Account}
	for k, v := range s.Parameters {
		args = append(args, k+"="+v)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, python, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("samtranslator transform of %s: %v\n%s", path, err, stderr.String())
	}
	var t Template
	if err := json.Unmarshal(stdout.Bytes(), &t); err != nil {
		return nil, fmt.Errorf("transformed %s: %w", path, err)
	}
	t.stack = s
	return &t, nil
}

// OfType lists the logical ids of the resources of type typ, sorted.
func (t *Template) OfType(typ string) []string {
	var ids []string
	for id, r := range t.Resources {
		if r.Type == typ {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

// Parameter is a parameter's value in this stack.
func (t *Template) Parameter(name string) (string, bool) {
	if v, ok := t.stack.Parameters[name]; ok {
		return v, true
	}
	p, ok := t.Parameters[name]
	if !ok || p.Default == nil {
		return "", false
	}
	return fmt.Sprint(p.Default), true
}

// PhysicalName stands for the name CloudFormation generates for a resource
// without one: "<stack>-<logical id>" (the real one adds a random suffix).
func (t *Template) PhysicalName(id string) string { return t.stack.Name + "-" + id }

// Arn is what GetAtt <id>.Arn resolves to, by resource type.
func (t *Template) Arn(id string) string {
	r, p := t.Resources[id], "arn:aws:"
	region := t.stack.Region + ":" + t.stack.Account
	name := t.ref(id)
	switch r.Type {
	case "AWS::DynamoDB::Table":
		return p + "dynamodb:" + region + ":table/" + name
	case "AWS::S3::Bucket":
		return p + "s3:::" + name
	case "AWS::Cognito::UserPool":
		return p + "cognito-idp:" + region + ":userpool/" + name
	case "AWS::Logs::LogGroup":
		return p + "logs:" + region + ":log-group:" + name + ":*"
	case "AWS::Lambda::Function":
		return p + "lambda:" + region + ":function:" + name
	case "AWS::SQS::Queue":
		return p + "sqs:" + region + ":" + t.PhysicalName(id)
	case "AWS::IAM::Role":
		return p + "iam::" + t.stack.Account + ":role/" + name
	case "AWS::StepFunctions::StateMachine", "AWS::SNS::Topic":
		return name
	}
	return id + ".Arn"
}

// ref is what Ref <id> resolves to.
func (t *Template) ref(id string) string {
	switch id {
	case "AWS::StackName":
		return t.stack.Name
	case "AWS::Region":
		return t.stack.Region
	case "AWS::AccountId":
		return t.stack.Account
	case "AWS::Partition":
		return "aws"
	case "AWS::URLSuffix":
		return "amazonaws.com"
	case "AWS::NoValue":
		return ""
	}
	if v, ok := t.Parameter(id); ok {
		return v
	}
	r, ok := t.Resources[id]
	if !ok {
		return "<unresolved Ref " + id + ">"
	}
	name := t.PhysicalName(id)
	for _, key := range []string{"Name", "LogGroupName", "TableName", "BucketName", "FunctionName", "TopicName", "QueueName"} {
		if v, ok := r.Properties[key]; ok {
			name = fmt.Sprint(t.Resolve(v))
		}
	}
	switch r.Type {
	case "AWS::StepFunctions::StateMachine":
		return "arn:aws:states:" + t.stack.Region + ":" + t.stack.Account + ":stateMachine:" + name
	case "AWS::SNS::Topic":
		return "arn:aws:sns:" + t.stack.Region + ":" + t.stack.Account + ":" + name
	case "AWS::Cognito::UserPool":
		return t.stack.Region + "_" + id
	}
	return name
}

var subVar = regexp.MustCompile(`\$\{([^}!]+)\}`)

// Resolve resolves the intrinsic functions in v (Ref, Fn::GetAtt, Fn::Sub,
// Fn::Join, Fn::If, Fn::Select): strings, lists and maps come out.
func (t *Template) Resolve(v any) any {
	switch x := v.(type) {
	case []any:
		var out []any
		for _, e := range x {
			if r := t.Resolve(e); r != nil {
				out = append(out, r)
			}
		}
		return out
	case map[string]any:
		if len(x) == 1 {
			for k, arg := range x {
				if r, ok := t.intrinsic(k, arg); ok {
					return r
				}
			}
		}
		out := map[string]any{}
		for k, e := range x {
			if r := t.Resolve(e); r != nil {
				out[k] = r
			}
		}
		return out
	}
	return v
}

func (t *Template) intrinsic(fn string, arg any) (any, bool) {
	switch fn {
	case "Ref":
		if arg == "AWS::NoValue" {
			return nil, true
		}
		return t.ref(fmt.Sprint(arg)), true
	case "Fn::GetAtt":
		parts, _ := arg.([]any)
		if s, ok := arg.(string); ok {
			parts = []any{}
			for _, p := range strings.SplitN(s, ".", 2) {
				parts = append(parts, p)
			}
		}
		if len(parts) == 2 && parts[1] == "Arn" {
			return t.Arn(fmt.Sprint(parts[0])), true
		}
		return fmt.Sprintf("%v.%v", parts[0], parts[len(parts)-1]), true
	case "Fn::Sub":
		text, vars := "", map[string]any{}
		switch a := arg.(type) {
		case string:
			text = a
		case []any:
			text = fmt.Sprint(a[0])
			vars, _ = a[1].(map[string]any)
		}
		return subVar.ReplaceAllStringFunc(text, func(m string) string {
			name := m[2 : len(m)-1]
			if v, ok := vars[name]; ok {
				return fmt.Sprint(t.Resolve(v))
			}
			if id, attr, ok := strings.Cut(name, "."); ok {
				if attr == "Arn" {
					return t.Arn(id)
				}
				return name
			}
			return t.ref(name)
		}), true
	case "Fn::Join":
		a, _ := arg.([]any)
		var parts []string
		for _, p := range t.Resolve(a[1]).([]any) {
			parts = append(parts, fmt.Sprint(p))
		}
		return strings.Join(parts, fmt.Sprint(a[0])), true
	case "Fn::Select":
		a, _ := arg.([]any)
		list, _ := t.Resolve(a[1]).([]any)
		i, _ := a[0].(float64)
		if int(i) < len(list) {
			return list[int(i)], true
		}
		return nil, true
	case "Fn::If":
		a, _ := arg.([]any)
		if t.Condition(fmt.Sprint(a[0])) {
			return t.Resolve(a[1]), true
		}
		return t.Resolve(a[2]), true
	}
	return nil, false
}

// Condition evaluates a named condition.
func (t *Template) Condition(name string) bool { return t.truth(t.Conditions[name]) }

func (t *Template) truth(c any) bool {
	m, _ := c.(map[string]any)
	for fn, arg := range m {
		a, _ := arg.([]any)
		switch fn {
		case "Fn::Equals":
			return fmt.Sprint(t.Resolve(a[0])) == fmt.Sprint(t.Resolve(a[1]))
		case "Fn::Not":
			return !t.truth(a[0])
		case "Fn::And", "Fn::Or":
			all, any := true, false
			for _, e := range a {
				b := t.truth(e)
				all, any = all && b, any || b
			}
			return (fn == "Fn::And" && all) || (fn == "Fn::Or" && any)
		case "Condition":
			return t.Condition(fmt.Sprint(arg))
		}
	}
	return false
}
