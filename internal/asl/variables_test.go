package asl

import (
	"strings"
	"testing"
)

func TestVariableLimits_Literals(t *testing.T) {
	// Developer guide, "Passing data between states with variables".
	if maxVariableBytes != 262144 || maxAssignBytes != 262144 || maxStoredVariableBytes != 10485760 {
		t.Fatalf("limits %d/%d/%d, want 262144/262144/10485760", maxVariableBytes, maxAssignBytes, maxStoredVariableBytes)
	}
}

func TestAssign_SizeLimits(t *testing.T) {
	big := func(n int) string { return `"` + strings.Repeat("x", n) + `"` }
	t.Run("one variable over 256 KiB", func(t *testing.T) {
		// The input stays under the payload quota; the variable doubles it.
		def := `{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"v.$":"States.Format('{}{}', $.s, $.s)"},"End":true}}}`
		r := run(t, def, `{"s":`+big(131072)+`}`)
		assertFailed(t, r, ErrRuntime, "The variable 'v' is 262146 bytes; a variable can be at most 262144 bytes.")
	})
	t.Run("one Assign over 256 KiB together", func(t *testing.T) {
		def := `{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"a.$":"$.s","b.$":"$.s"},"End":true}}}`
		r := run(t, def, `{"s":`+big(131072)+`}`)
		assertFailed(t, r, ErrRuntime, "an Assign field can assign at most 262144 bytes")
	})
	t.Run("just under the limit", func(t *testing.T) {
		// 262142 characters and two quotes: exactly 262144 bytes.
		def := `{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"v.$":"States.Format('{}{}', $.s, $.s)"},"End":true}}}`
		r := run(t, def, `{"s":`+big(131071)+`}`)
		if r.desc.Status != StatusSucceeded {
			t.Fatalf("status %s %s %s", r.desc.Status, r.desc.Error, r.desc.Cause)
		}
	})
}

func TestVariables_ScopesAndHistory(t *testing.T) {
	def := `{"StartAt":"A","States":{
		"A":{"Type":"Pass","Assign":{"x":1,"name.$":"$.who"},"Next":"M"},
		"M":{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{"StartAt":"I","States":{
			"I":{"Type":"Pass","Assign":{"inner.$":"$"},"Next":"J"},
			"J":{"Type":"Pass","Parameters":{"x.$":"$x","inner.$":"$inner","name.$":"$name"},"End":true}}},
		 "ResultPath":"$.r","Next":"After"},
		"After":{"Type":"Pass","QueryLanguage":"JSONata","Output":{"r":"{% $states.input.r %}","innerVisible":"{% $exists($inner) %}"},"End":true}}}`
	r := run(t, def, `{"who":"Ana","items":["p","q"]}`)
	// $states.input.r passes through jsonata-go's Go maps and keeps the
	// order J's Parameters gave it (Java HashMap order, as AWS prints a
	// JSONPath template).
	assertJSON(t, r.output(t), `{"r":[{"x":1,"name":"Ana","inner":"p"},{"x":1,"name":"Ana","inner":"q"}],"innerVisible":false}`)
	var exitA *StateExitedDetails
	for _, ev := range r.history {
		if ev.StateExitedEventDetails != nil && ev.StateExitedEventDetails.Name == "A" {
			exitA = ev.StateExitedEventDetails
		}
	}
	if exitA == nil || exitA.AssignedVariables["x"] != "1" || exitA.AssignedVariables["name"] != `"Ana"` {
		t.Errorf("StateExited of A: %+v, want assignedVariables x=1 name=\"Ana\"", exitA)
	}
}

func TestVariables_UndefinedInJSONPathFails(t *testing.T) {
	def := `{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"v.$":"$nope"},"End":true}}}`
	r := run(t, def, `{}`)
	assertFailed(t, r, ErrRuntime, "The JSONPath '$nope' specified for the field 'v.$' could not be found")
}

func TestVariables_ParallelBranchesInRealTime(t *testing.T) {
	e := NewEngine(Options{RealTime: true})
	def := `{"QueryLanguage":"JSONata","StartAt":"Init","States":{
		"Init":{"Type":"Pass","Assign":{"base":100},"Next":"Par"},
		"Par":{"Type":"Parallel","Branches":[
			{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"mine":1},"Next":"A2"},"A2":{"Type":"Pass","Output":"{% $base + $mine %}","End":true}}},
			{"StartAt":"B","States":{"B":{"Type":"Pass","Assign":{"mine":2},"Next":"B2"},"B2":{"Type":"Pass","Output":"{% $base + $mine %}","End":true}}},
			{"StartAt":"C","States":{"C":{"Type":"Map","Items":[1,2,3],"ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","Assign":{"mine":"{% $states.input %}"},"Next":"I2"},"I2":{"Type":"Pass","Output":"{% $base * $mine %}","End":true}}},"End":true}}}],
		"End":true}}}`
	r := runOn(t, e, "rt", def, `{}`)
	assertJSON(t, r.output(t), `[101,102,[100,200,300]]`)
}

func TestVariables_InnerAssignmentOfAnOuterNameStaysInside(t *testing.T) {
	// The branch may assign "x" too: the new value lives in the branch,
	// and the outer "x" is unchanged after the Parallel state.
	def := `{"QueryLanguage":"JSONata","StartAt":"Init","States":{
		"Init":{"Type":"Pass","Assign":{"x":"outer"},"Next":"Par"},
		"Par":{"Type":"Parallel","Branches":[{"StartAt":"B","States":{"B":{"Type":"Pass","Assign":{"x":"inner"},"Next":"B2"},"B2":{"Type":"Pass","Output":"{% $x %}","End":true}}}],"Next":"After"},
		"After":{"Type":"Pass","Output":{"branch":"{% $states.input[0] %}","x":"{% $x %}"},"End":true}}}`
	r := run(t, def, `{}`)
	assertJSON(t, r.output(t), `{"branch":"inner","x":"outer"}`)
}
