// Package executions builds the Step Functions adapter of a function whose
// role may start executions or send task success (internal/lambdaenv).
//
// Variables: SFN_ENDPOINT, another Step Functions API (the local engine, moto).
package executions

import (
	"touchaudit/internal/awsclient"
	"touchaudit/internal/lambdaenv"
	"touchaudit/internal/stepfunctions"
)

// New is the Step Functions adapter over the function's AWS configuration.
func New(e *lambdaenv.Env) *stepfunctions.Executions {
	return stepfunctions.New(stepfunctions.NewClient(awsclient.Lambda, e.AWS(), e.Getenv("SFN_ENDPOINT")))
}
