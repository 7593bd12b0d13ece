// Command hello is the hello-world aws-lambda-go function that touchaudit's
// functions are measured against (BenchmarkColdStart in functions/): the
// least a Go Lambda can do, built with the same flags (lambdart.BuildFlags).
package main

import "github.com/aws/aws-lambda-go/lambda"

func main() {
	lambda.Start(func() (string, error) { return "hello", nil })
}
