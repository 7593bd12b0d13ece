package asl

import "testing"

func choiceDef(rule string) string {
	return `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[` + rule + `],"Default":"No"},` +
		`"Yes":{"Type":"Pass","Result":"yes","End":true},"No":{"Type":"Pass","Result":"no","End":true}}}`
}

func TestChoice_Operators(t *testing.T) {
	in := `{"s":"beta","n":10,"f":1.5,"b":true,"t":"2024-05-01T12:00:00Z","z":null,"o":{"s":"beta","n":10,"b":true,"t":"2024-05-01T12:00:00Z"},"file":"report-2024.csv"}`
	tests := []struct {
		name, rule string
		want       bool
	}{
		{"StringEquals", `{"Variable":"$.s","StringEquals":"beta","Next":"Yes"}`, true},
		{"StringEquals other", `{"Variable":"$.s","StringEquals":"alpha","Next":"Yes"}`, false},
		{"StringLessThan", `{"Variable":"$.s","StringLessThan":"gamma","Next":"Yes"}`, true},
		{"StringGreaterThan", `{"Variable":"$.s","StringGreaterThan":"alpha","Next":"Yes"}`, true},
		{"StringLessThanEquals", `{"Variable":"$.s","StringLessThanEquals":"beta","Next":"Yes"}`, true},
		{"StringGreaterThanEquals", `{"Variable":"$.s","StringGreaterThanEquals":"c","Next":"Yes"}`, false},
		{"StringEqualsPath", `{"Variable":"$.s","StringEqualsPath":"$.o.s","Next":"Yes"}`, true},
		{"StringMatches star", `{"Variable":"$.file","StringMatches":"report-*.csv","Next":"Yes"}`, true},
		{"StringMatches no", `{"Variable":"$.file","StringMatches":"*.txt","Next":"Yes"}`, false},
		{"StringMatches escaped star", `{"Variable":"$.s","StringMatches":"be\\*","Next":"Yes"}`, false},
		{"NumericEquals", `{"Variable":"$.n","NumericEquals":10,"Next":"Yes"}`, true},
		{"NumericEquals float vs int", `{"Variable":"$.n","NumericEquals":10.0,"Next":"Yes"}`, true},
		{"NumericLessThan", `{"Variable":"$.f","NumericLessThan":2,"Next":"Yes"}`, true},
		{"NumericGreaterThan", `{"Variable":"$.n","NumericGreaterThan":10,"Next":"Yes"}`, false},
		{"NumericLessThanEquals", `{"Variable":"$.n","NumericLessThanEquals":10,"Next":"Yes"}`, true},
		{"NumericGreaterThanEquals", `{"Variable":"$.n","NumericGreaterThanEquals":11,"Next":"Yes"}`, false},
		{"NumericEqualsPath", `{"Variable":"$.n","NumericEqualsPath":"$.o.n","Next":"Yes"}`, true},
		{"NumericLessThanPath", `{"Variable":"$.f","NumericLessThanPath":"$.n","Next":"Yes"}`, true},
		{"Numeric on string is false", `{"Variable":"$.s","NumericEquals":10,"Next":"Yes"}`, false},
		{"BooleanEquals", `{"Variable":"$.b","BooleanEquals":true,"Next":"Yes"}`, true},
		{"BooleanEqualsPath", `{"Variable":"$.b","BooleanEqualsPath":"$.o.b","Next":"Yes"}`, true},
		{"TimestampEquals", `{"Variable":"$.t","TimestampEquals":"2024-05-01T14:00:00+02:00","Next":"Yes"}`, true},
		{"TimestampLessThan", `{"Variable":"$.t","TimestampLessThan":"2024-06-01T00:00:00Z","Next":"Yes"}`, true},
		{"TimestampGreaterThan", `{"Variable":"$.t","TimestampGreaterThan":"2024-06-01T00:00:00Z","Next":"Yes"}`, false},
		{"TimestampLessThanEquals", `{"Variable":"$.t","TimestampLessThanEquals":"2024-05-01T12:00:00Z","Next":"Yes"}`, true},
		{"TimestampGreaterThanEquals", `{"Variable":"$.t","TimestampGreaterThanEquals":"2024-05-01T12:00:00Z","Next":"Yes"}`, true},
		{"TimestampEqualsPath", `{"Variable":"$.t","TimestampEqualsPath":"$.o.t","Next":"Yes"}`, true},
		{"IsNull", `{"Variable":"$.z","IsNull":true,"Next":"Yes"}`, true},
		{"IsNull false", `{"Variable":"$.s","IsNull":true,"Next":"Yes"}`, false},
		{"IsPresent", `{"Variable":"$.s","IsPresent":true,"Next":"Yes"}`, true},
		{"IsPresent missing", `{"Variable":"$.missing","IsPresent":true,"Next":"Yes"}`, false},
		{"IsPresent false on missing", `{"Variable":"$.missing","IsPresent":false,"Next":"Yes"}`, true},
		{"IsNumeric", `{"Variable":"$.f","IsNumeric":true,"Next":"Yes"}`, true},
		{"IsString", `{"Variable":"$.s","IsString":true,"Next":"Yes"}`, true},
		{"IsBoolean", `{"Variable":"$.n","IsBoolean":false,"Next":"Yes"}`, true},
		{"IsTimestamp", `{"Variable":"$.t","IsTimestamp":true,"Next":"Yes"}`, true},
		{"IsTimestamp on plain string", `{"Variable":"$.s","IsTimestamp":true,"Next":"Yes"}`, false},
		{"And", `{"And":[{"Variable":"$.n","NumericGreaterThan":5},{"Variable":"$.b","BooleanEquals":true}],"Next":"Yes"}`, true},
		{"And short", `{"And":[{"Variable":"$.n","NumericGreaterThan":50},{"Variable":"$.missing","IsPresent":false}],"Next":"Yes"}`, false},
		{"Or", `{"Or":[{"Variable":"$.n","NumericGreaterThan":50},{"Variable":"$.s","StringEquals":"beta"}],"Next":"Yes"}`, true},
		{"Not", `{"Not":{"Variable":"$.s","StringEquals":"beta"},"Next":"Yes"}`, false},
		{"Nested", `{"Not":{"Or":[{"Variable":"$.n","NumericLessThan":0},{"And":[{"Variable":"$.b","BooleanEquals":false}]}]},"Next":"Yes"}`, true},
		{"Context variable", `{"Variable":"$$.State.Name","StringEquals":"C","Next":"Yes"}`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, choiceDef(tc.rule), in)
			want := `"no"`
			if tc.want {
				want = `"yes"`
			}
			assertJSON(t, r.output(t), want)
		})
	}
}

func TestChoice_FirstMatchWins(t *testing.T) {
	def := `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[
		{"Variable":"$.n","NumericGreaterThan":1,"Next":"A"},
		{"Variable":"$.n","NumericGreaterThan":0,"Next":"B"}]},
		"A":{"Type":"Pass","Result":"A","End":true},"B":{"Type":"Pass","Result":"B","End":true}}}`
	assertJSON(t, run(t, def, `{"n":5}`).output(t), `"A"`)
	assertJSON(t, run(t, def, `{"n":1}`).output(t), `"B"`)
}

func TestChoice_NoMatchWithoutDefaultIsNoChoiceMatched(t *testing.T) {
	def := `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericEquals":1,"Next":"A"}]},"A":{"Type":"Succeed"}}}`
	r := run(t, def, `{"n":2}`)
	assertFailed(t, r, ErrNoChoiceMatched, "'C' (entered at the event id #2)")
	if got := r.types(); got[len(got)-2] != "ChoiceStateEntered" {
		t.Errorf("history %v", got)
	}
}

func TestChoice_MissingVariableIsRuntime(t *testing.T) {
	r := run(t, choiceDef(`{"Variable":"$.missing","StringEquals":"x","Next":"Yes"}`), `{}`)
	assertFailed(t, r, ErrRuntime, "$.missing")
}

func TestChoice_InputAndOutputPath(t *testing.T) {
	def := `{"StartAt":"C","States":{"C":{"Type":"Choice","InputPath":"$.in","OutputPath":"$.v","Choices":[{"Variable":"$.v","IsPresent":true,"Next":"E"}]},"E":{"Type":"Succeed"}}}`
	assertJSON(t, run(t, def, `{"in":{"v":42}}`).output(t), `42`)
}

func TestWildcardMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"*", "", true}, {"a*", "abc", true}, {"*c", "abc", true}, {"a*c", "abbbc", true},
		{"a*c", "abcd", false}, {"a\\*c", "a*c", true}, {"a\\*c", "abc", false}, {"**", "x", true},
		{"a\\\\b", "a\\b", true}, {"*.log.*", "x.log.1", true},
	}
	for _, tc := range tests {
		t.Run(tc.pattern+"~"+tc.s, func(t *testing.T) {
			if got := wildcardMatch(tc.pattern, tc.s); got != tc.want {
				t.Errorf("wildcardMatch(%q, %q) = %v", tc.pattern, tc.s, got)
			}
		})
	}
}
