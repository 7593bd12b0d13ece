package asl

import (
	"errors"
	"strings"
	"testing"
)

func TestParse_QueryLanguage(t *testing.T) {
	tests := []struct {
		name, def string
		check     func(t *testing.T, d *Definition)
	}{
		{"top-level JSONata applies to every state, nested ones too",
			`{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","Items":[1],"ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"End":true}}}`,
			func(t *testing.T, d *Definition) {
				m := d.States["M"].(*MapState)
				if !m.JSONata || !m.Processor.States["I"].base().JSONata {
					t.Errorf("Map JSONata %v, inner Pass JSONata %v; want both true", m.JSONata, m.Processor.States["I"].base().JSONata)
				}
			}},
		{"one JSONata state in a JSONPath machine",
			`{"StartAt":"A","States":{"A":{"Type":"Pass","QueryLanguage":"JSONata","Output":"{% 1 %}","Next":"B"},"B":{"Type":"Pass","End":true}}}`,
			func(t *testing.T, d *Definition) {
				if !d.States["A"].base().JSONata || d.States["B"].base().JSONata {
					t.Error("want A JSONata and B JSONPath")
				}
			}},
		{"expression fields are kept as expressions",
			`{"QueryLanguage":"JSONata","StartAt":"W","States":{
				"W":{"Type":"Wait","Seconds":"{% $states.input.s %}","Next":"T"},
				"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","TimeoutSeconds":"{% 5 %}","HeartbeatSeconds":2,"Next":"F"},
				"F":{"Type":"Fail","Error":"{% 'E' %}","Cause":"literal"}}}`,
			func(t *testing.T, d *Definition) {
				w := d.States["W"].(*WaitState)
				task := d.States["T"].(*TaskState)
				f := d.States["F"].(*FailState)
				if w.exprs["Seconds"] != "{% $states.input.s %}" || task.exprs["TimeoutSeconds"] != "{% 5 %}" || task.HeartbeatSeconds != 2 || f.exprs["Error"] != "{% 'E' %}" || f.Cause != "literal" {
					t.Errorf("exprs: wait %v task %v (heartbeat %d) fail %v cause %q", w.exprs, task.exprs, task.HeartbeatSeconds, f.exprs, f.Cause)
				}
			}},
		{"Assign in a JSONPath Choice rule and a catcher",
			`{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[{"StartAt":"X","States":{"X":{"Type":"Succeed"}}}],
				"Catch":[{"ErrorEquals":["States.ALL"],"Assign":{"e.$":"$.Error"},"Next":"C"}],"Next":"C"},
				"C":{"Type":"Choice","Choices":[{"Variable":"$e","IsPresent":true,"Assign":{"seen":true},"Next":"D"}],"Default":"D"},"D":{"Type":"Succeed"}}}`,
			func(t *testing.T, d *Definition) {
				if d.States["P"].base().Catch[0].Assign == nil || d.States["C"].(*ChoiceState).Choices[0].Assign == nil {
					t.Error("Assign of the catcher or the choice rule is missing")
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Parse([]byte(tc.def))
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, d)
		})
	}
}

func TestParse_QueryLanguageProblems(t *testing.T) {
	tests := []struct{ name, def, want string }{
		{"JSONPath state under a JSONata machine",
			`{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","QueryLanguage":"JSONPath","End":true}}}`,
			`state "A": field "QueryLanguage": cannot be "JSONPath" when the state machine's top-level QueryLanguage is "JSONata"`},
		{"unknown language",
			`{"QueryLanguage":"XPath","StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`,
			`field "QueryLanguage": must be "JSONPath" or "JSONata", not "XPath"`},
		{"Arguments in a Pass state",
			`{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Arguments":{},"End":true}}}`,
			`state "A": field "Arguments": is not allowed in a Pass state`},
		{"JSONata syntax error in Assign",
			`{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"x":"{% ( %}"},"End":true}}}`,
			`state "A": field "Assign": "{% ( %}" is not a valid JSONata expression`},
		{"$states.result in Arguments",
			`{"QueryLanguage":"JSONata","StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Arguments":{"x":"{% $states.result %}"},"End":true}}}`,
			`state "T": field "Arguments": $states.result is not available here`},
		{"$states.result in a Pass state's Output",
			`{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":"{% $states.result %}","End":true}}}`,
			`state "A": field "Output": $states.result is not available here`},
		{"$states.errorOutput outside a catcher",
			`{"QueryLanguage":"JSONata","StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Assign":{"e":"{% $states.errorOutput %}"},"End":true}}}`,
			`state "T": field "Assign": $states.errorOutput is not available here`},
		{"Output in a JSONPath catcher",
			`{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[{"StartAt":"X","States":{"X":{"Type":"Succeed"}}}],"Catch":[{"ErrorEquals":["States.ALL"],"Output":{},"Next":"X"}],"Next":"X"},"X":{"Type":"Succeed"}}}`,
			`state "P": field "Catch[0].Output": is only supported when QueryLanguage is "JSONata"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.def))
			var de *DefinitionError
			if !errors.As(err, &de) {
				t.Fatalf("Parse accepted it (%v)", err)
			}
			if !strings.Contains(strings.Join(de.Problems, "\n"), tc.want) {
				t.Errorf("problems:\n%s\nwant one containing %q", strings.Join(de.Problems, "\n"), tc.want)
			}
		})
	}
}
