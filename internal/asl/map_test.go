package asl

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
)

func TestMap_Iterations(t *testing.T) {
	tests := []struct{ name, state, input, want string }{
		{"ItemProcessor", `{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"v.$":"$"},"End":true}}},"End":true}`,
			`{"items":[1,2,3]}`, `[{"v":1},{"v":2},{"v":3}]`},
		{"legacy Iterator and Parameters", `{"Type":"Map","ItemsPath":"$.items","Parameters":{"i.$":"$$.Map.Item.Index","v.$":"$$.Map.Item.Value","k.$":"$.k"},"Iterator":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}`,
			`{"k":"x","items":["a","b"]}`, `[{"v":"a","i":0,"k":"x"},{"v":"b","i":1,"k":"x"}]`},
		{"ItemSelector", `{"Type":"Map","ItemsPath":"$.items","ItemSelector":{"idx.$":"$$.Map.Item.Index"},"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}`,
			`{"items":[9,9]}`, `[{"idx":0},{"idx":1}]`},
		{"input array without ItemsPath", `{"Type":"Map","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}`,
			`[1,2]`, `[1,2]`},
		{"empty", `{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"ResultPath":"$.out","End":true}`,
			`{"items":[]}`, `{"items":[],"out":[]}`},
		{"MaxConcurrency 1", `{"Type":"Map","MaxConcurrency":1,"ItemsPath":"$.items","ItemProcessor":{"StartAt":"W","States":{"W":{"Type":"Wait","SecondsPath":"$","End":true}}},"End":true}`,
			`{"items":[3,1,2]}`, `[3,1,2]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assertJSON(t, run(t, `{"StartAt":"M","States":{"M":`+tc.state+`}}`, tc.input).output(t), tc.want)
		})
	}
}

func TestMap_MaxConcurrencyBoundsTime(t *testing.T) {
	state := func(mc int) string {
		return fmt.Sprintf(`{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":%d,"ItemProcessor":{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":10,"End":true}}},"End":true}}}`, mc)
	}
	for _, tc := range []struct{ mc, secs int }{{0, 10}, {1, 40}, {2, 20}} {
		t.Run(fmt.Sprint(tc.mc), func(t *testing.T) {
			r := run(t, state(tc.mc), `[1,2,3,4]`)
			if got := r.desc.StopDate.Sub(r.desc.StartDate).Seconds(); int(got) != tc.secs {
				t.Errorf("took %vs, want %ds", got, tc.secs)
			}
		})
	}
}

func TestMap_History(t *testing.T) {
	r := run(t, `{"StartAt":"M","States":{"M":{"Type":"Map","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`, `[1]`)
	want := []string{"ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapIterationStarted", "PassStateEntered", "PassStateExited", "MapIterationSucceeded", "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"}
	if compact(r.types()) != compact(want) {
		t.Errorf("history %v\nwant    %v", r.types(), want)
	}
	if d := r.history[2].MapStateStartedEventDetails; d == nil || d.Length != 1 {
		t.Errorf("MapStateStarted details %+v", d)
	}
	if d := r.history[3].MapIterationStartedEventDetails; d == nil || d.Name != "M" || d.Index != 0 {
		t.Errorf("MapIterationStarted details %+v", d)
	}
}

func TestMap_IterationFailureFailsMap(t *testing.T) {
	h := func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
		if string(in) == "2" {
			return nil, &NotFound{ID: "2"}
		}
		return in, nil
	}
	def := `{"StartAt":"M","States":{"M":{"Type":"Map","ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"` + fnArn + `","End":true}}},"End":true}}}`
	r := run(t, def, `[1,2,3]`, handle(fnArn, h))
	assertFailed(t, r, "NotFound", "not found: 2")
	seen := map[string]bool{}
	for _, ev := range r.history {
		seen[ev.Type] = true
	}
	if !seen[EventMapIterationFailed] || !seen[EventMapStateFailed] {
		t.Errorf("history %v", r.types())
	}
}

func TestMap_ToleratedFailures(t *testing.T) {
	failOdd := func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
		var n int
		_ = json.Unmarshal(in, &n)
		if n%2 == 1 {
			return nil, &NotFound{}
		}
		return in, nil
	}
	tests := []struct{ name, tolerance, wantStatus, wantErr string }{
		{"count tolerated", `"ToleratedFailureCount":2`, StatusSucceeded, ""},
		{"count exceeded", `"ToleratedFailureCount":1`, StatusFailed, ErrExceedToleratedFailureThresh},
		{"percentage tolerated", `"ToleratedFailurePercentage":50`, StatusSucceeded, ""},
		{"percentage exceeded", `"ToleratedFailurePercentage":49`, StatusFailed, ErrExceedToleratedFailureThresh},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			def := `{"StartAt":"M","States":{"M":{"Type":"Map",` + tc.tolerance + `,"MaxConcurrency":1,"ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"` + fnArn + `","End":true}}},"End":true}}}`
			r := run(t, def, `[1,2,3,4]`, handle(fnArn, failOdd))
			if r.desc.Status != tc.wantStatus || r.desc.Error != tc.wantErr {
				t.Errorf("got %s %s %s", r.desc.Status, r.desc.Error, r.desc.Cause)
			}
			if tc.wantStatus == StatusSucceeded {
				assertJSON(t, r.output(t), `[null,2,null,4]`)
			}
		})
	}
}

func TestMap_ItemsPathNotArrayIsRuntime(t *testing.T) {
	r := run(t, `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.x","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`, `{"x":{}}`)
	assertFailed(t, r, ErrRuntime, "'M'")
}

func TestMap_MaxConcurrencyPath(t *testing.T) {
	def := `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","MaxConcurrencyPath":"$.limit",
		"ItemProcessor":{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":10,"End":true}}},"End":true}}}`
	r := run(t, def, `{"items":[1,2,3,4],"limit":2}`)
	assertJSON(t, r.output(t), `[1,2,3,4]`)
	if got := r.desc.StopDate.Sub(r.desc.StartDate); got.Seconds() != 20 {
		t.Errorf("four 10 s iterations two at a time took %v, want 20s", got)
	}
	assertFailed(t, run(t, def, `{"items":[1],"limit":"two"}`), ErrRuntime, "MaxConcurrencyPath")
	if _, err := Parse([]byte(`{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":1,"MaxConcurrencyPath":"$.l",
		"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`)); err == nil {
		t.Error("MaxConcurrency with MaxConcurrencyPath was accepted")
	}
}
