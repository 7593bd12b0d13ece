package asl

import (
	"reflect"
	"testing"
)

func TestValidate_Diagnostics(t *testing.T) {
	tests := []struct {
		name       string
		definition string
		want       []Diagnostic
	}{
		{"valid", `{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`, nil},
		{"empty", `  `, []Diagnostic{{"ERROR", "MISSING_DESCRIPTION", "Received a null or empty workflow input", ""}}},
		{"not json", `{"StartAt":`, []Diagnostic{{"ERROR", "INVALID_JSON_DESCRIPTION", "definition is not valid JSON: unexpected EOF", ""}}},
		{"missing target", `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"NOPE"}}}`, []Diagnostic{
			{"ERROR", "MISSING_TRANSITION_TARGET", "Missing 'Next' target: NOPE", "/States/A/Next"},
		}},
		{"unreachable", `{"StartAt":"A","States":{"A":{"Type":"Succeed"},"B":{"Type":"Succeed"}}}`, []Diagnostic{
			{"ERROR", "MISSING_TRANSITION_TARGET", `State "B" is not reachable.`, "/States/B"},
		}},
		{"choice target in a branch", `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.x","IsPresent":true,"Next":"Gone"}],"Default":"D"},"D":{"Type":"Succeed"}}}]}}}`, []Diagnostic{
			{"ERROR", "MISSING_TRANSITION_TARGET", "Missing 'Next' target: Gone", "/States/P/Branches[0]/States/C/Choices[0]/Next"},
		}},
		{"unsupported field", `{"StartAt":"A","States":{"A":{"Type":"Pass","TimeoutSeconds":3,"End":true}}}`, []Diagnostic{
			{"ERROR", "SCHEMA_VALIDATION_FAILED", "Field 'TimeoutSeconds' is not supported", "/States/A"},
		}},
		{"bad resource", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"not-an-arn","End":true}}}`, []Diagnostic{
			{"ERROR", "INVALID_RESOURCE", `"not-an-arn" is not a valid ARN`, "/States/T/Resource"},
		}},
		{"bad retry", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Retry":[{"ErrorEquals":["X"],"MaxAttempts":-1}],"End":true}}}`, []Diagnostic{
			{"ERROR", "SCHEMA_VALIDATION_FAILED", "must be between 0 and 99999999, not -1", "/States/T/Retry[0]/MaxAttempts"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Validate(tc.definition)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}
