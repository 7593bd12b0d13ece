package asl

import (
	"context"
	"encoding/json"
	"testing"
)

// The worked examples of the Step Functions developer guide, with their
// documented outputs. The Lambda of these examples returns
// "Hello, " + who + "!".
func helloHandler() func(*Engine) {
	return handle("HelloFunction", func(_ context.Context, in json.RawMessage) (json.RawMessage, error) {
		var p struct {
			Who string `json:"who"`
		}
		_ = json.Unmarshal(in, &p)
		return json.Marshal("Hello, " + p.Who + "!")
	})
}

const helloArn = "arn:aws:lambda:us-east-1:123456789012:function:HelloFunction"

// "Example: Manipulating state data with paths": InputPath selects the
// Lambda's input, ResultPath places the result inside data, OutputPath keeps
// only data.
func TestDevGuide_InputPathResultPathOutputPath(t *testing.T) {
	def := `{"StartAt":"Lambda","States":{"Lambda":{"Type":"Task","Resource":"` + helloArn + `",
		"InputPath":"$.lambda","ResultPath":"$.data.lambdaresult","OutputPath":"$.data","End":true}}}`
	in := `{"comment":"An input comment.","data":{"val1":23,"val2":17},"extra":"foo","lambda":{"who":"AWS Step Functions"}}`
	r := run(t, def, in, helloHandler())
	assertJSON(t, r.output(t), `{"val1":23,"val2":17,"lambdaresult":"Hello, AWS Step Functions!"}`)
}

// "Specifying state output using ResultPath": the four documented cases.
func TestDevGuide_ResultPath(t *testing.T) {
	in := `{"comment":"This is a test of the input and output of a Task state.","details":"Default example","who":"AWS Step Functions"}`
	tests := []struct{ name, resultPath, input, want string }{
		{"result replaces input", `"$"`, in, `"Hello, AWS Step Functions!"`},
		{"result added to input", `"$.taskresult"`, in,
			`{"comment":"This is a test of the input and output of a Task state.","details":"Default example","who":"AWS Step Functions","taskresult":"Hello, AWS Step Functions!"}`},
		{"result discarded", `null`, in, in},
		{"result in a child node",
			`"$.strings.lambdaresult"`,
			`{"comment":"An input comment.","strings":{"string1":"foo","string2":"bar","string3":"baz"},"who":"AWS Step Functions"}`,
			`{"comment":"An input comment.","strings":{"string1":"foo","string2":"bar","string3":"baz","lambdaresult":"Hello, AWS Step Functions!"},"who":"AWS Step Functions"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			def := `{"StartAt":"Lambda","States":{"Lambda":{"Type":"Task","Resource":"` + helloArn + `","ResultPath":` + tc.resultPath + `,"End":true}}}`
			assertJSON(t, run(t, def, tc.input, helloHandler()).output(t), tc.want)
		})
	}
}

// The full processing order on one state: InputPath → Parameters → task →
// ResultSelector → ResultPath → OutputPath, with lambda:invoke's response.
func TestDevGuide_ProcessingOrder(t *testing.T) {
	def := `{"StartAt":"Greet","States":{"Greet":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
		"InputPath":"$.lambda",
		"Parameters":{"FunctionName":"HelloFunction","Payload":{"who.$":"$.who"}},
		"ResultSelector":{"greeting.$":"$.Payload","status.$":"$.StatusCode"},
		"ResultPath":"$.lambda.result",
		"OutputPath":"$.lambda",
		"End":true}}}`
	in := `{"comment":"An input comment.","lambda":{"who":"AWS Step Functions"}}`
	r := run(t, def, in, helloHandler())
	assertJSON(t, r.output(t), `{"who":"AWS Step Functions","result":{"greeting":"Hello, AWS Step Functions!","status":200}}`)
}

// "Handling errors": a Catch with ResultPath keeps the input and adds the
// error; the Lambda's error type is the error name.
type CustomError struct{}

func (CustomError) Error() string { return "This is a custom error!" }

func TestDevGuide_CatchWithResultPath(t *testing.T) {
	def := `{"StartAt":"HelloWorld","States":{
		"HelloWorld":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:FailFunction",
			"Catch":[{"ErrorEquals":["CustomError"],"ResultPath":"$.error-info","Next":"CustomErrorFallback"},
			         {"ErrorEquals":["States.TaskFailed"],"Next":"ReservedTypeFallback"},
			         {"ErrorEquals":["States.ALL"],"Next":"CatchAllFallback"}],"End":true},
		"CustomErrorFallback":{"Type":"Pass","Result":"This is a fallback from a custom Lambda function exception","ResultPath":"$.fallback","End":true},
		"ReservedTypeFallback":{"Type":"Pass","Result":"This is a fallback from a reserved error code","End":true},
		"CatchAllFallback":{"Type":"Pass","Result":"This is a fallback from any error code","End":true}}}`
	r := run(t, def, `{"foo":"bar"}`, handle("FailFunction", func(context.Context, json.RawMessage) (json.RawMessage, error) { return nil, CustomError{} }))
	assertJSON(t, r.output(t), `{"foo":"bar","error-info":{"Error":"CustomError","Cause":"{\"errorMessage\":\"This is a custom error!\",\"errorType\":\"CustomError\",\"stackTrace\":[]}"},"fallback":"This is a fallback from a custom Lambda function exception"}`)
}
