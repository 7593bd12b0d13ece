package asl

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// substitutionRef matches ${Name} in a definition, as CloudFormation's
// DefinitionSubstitutions does.
var substitutionRef = regexp.MustCompile(`\$\{([A-Za-z0-9_.:-]+)\}`)

// Substitute replaces every ${Name} in a definition with subs[Name]. Names
// without a value are an error listing them all.
func Substitute(definition string, subs map[string]string) (string, error) {
	missing := map[string]bool{}
	out := substitutionRef.ReplaceAllStringFunc(definition, func(m string) string {
		name := m[2 : len(m)-1]
		v, ok := subs[name]
		if !ok {
			missing[name] = true
			return m
		}
		return v
	})
	if len(missing) > 0 {
		names := make([]string, 0, len(missing))
		for n := range missing {
			names = append(names, n)
		}
		sort.Strings(names)
		return "", fmt.Errorf("definition substitutions missing for: %s", strings.Join(names, ", "))
	}
	return out, nil
}

// SAMSubstitutions reads the DefinitionSubstitutions of one state machine
// resource from a SAM template.yaml. go.mod has no YAML module, so this is a
// minimal, indentation-based extractor for the block style SAM templates
// use: "Resources:" → "  Name:" → "    Properties:" → "      DefinitionSubstitutions:"
// → "        Key: value". Values are returned as written, except that
// !GetAtt X.Arn of a function becomes a local Lambda ARN and !Ref X becomes X.
func SAMSubstitutions(template []byte, resource string) (map[string]string, error) {
	type frame struct {
		indent int
		key    string
	}
	var stack []frame
	subs := map[string]string{}
	found := false
	sc := bufio.NewScanner(bytes.NewReader(template))
	for sc.Scan() {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		indent := len(line) - len(strings.TrimLeft(line, " "))
		for len(stack) > 0 && stack[len(stack)-1].indent >= indent {
			stack = stack[:len(stack)-1]
		}
		key, value, ok := strings.Cut(trimmed, ":")
		if !ok || strings.HasPrefix(trimmed, "- ") {
			continue
		}
		key = strings.Trim(key, `"'`)
		value = strings.TrimSpace(value)
		path := make([]string, 0, len(stack)+1)
		for _, f := range stack {
			path = append(path, f.key)
		}
		if len(path) == 4 && path[0] == "Resources" && path[1] == resource && path[2] == "Properties" && path[3] == "DefinitionSubstitutions" {
			found = true
			subs[key] = samScalar(value)
		}
		if value == "" {
			stack = append(stack, frame{indent, key})
			if len(path) == 3 && path[0] == "Resources" && path[1] == resource && path[2] == "Properties" && key == "DefinitionSubstitutions" {
				found = true
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("template has no DefinitionSubstitutions for resource %q", resource)
	}
	return subs, nil
}

func samScalar(v string) string {
	if i := strings.Index(v, " #"); i >= 0 {
		v = strings.TrimSpace(v[:i])
	}
	switch {
	case strings.HasPrefix(v, "!GetAtt "):
		target := strings.TrimSpace(strings.TrimPrefix(v, "!GetAtt "))
		if name, ok := strings.CutSuffix(target, ".Arn"); ok {
			return fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", DefaultRegion, DefaultAccountID, name)
		}
		return target
	case strings.HasPrefix(v, "!Ref "):
		return strings.TrimSpace(strings.TrimPrefix(v, "!Ref "))
	}
	return strings.Trim(v, `"'`)
}
