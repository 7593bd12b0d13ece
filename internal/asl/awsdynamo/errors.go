package awsdynamo

import (
	"errors"
	"fmt"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
)

// Error is a failed DynamoDB call as a Step Functions task sees it. Its
// ErrorName is what Retry and Catch match (DynamoDB.ConditionalCheckFailedException);
// Error() is the cause, in the format Step Functions reports (the message
// of AWS's Java SDK exception).
type Error struct {
	Name       string // e.g. "DynamoDB.ConditionalCheckFailedException"
	Code       string // DynamoDB's error code, e.g. "ValidationException"
	Message    string
	StatusCode int
	RequestID  string
}

func (e *Error) ErrorName() string { return e.Name }

func (e *Error) Error() string {
	if e.Code == "" {
		return e.Message
	}
	return fmt.Sprintf("%s (Service: AmazonDynamoDBv2; Status Code: %d; Error Code: %s; Request ID: %s; Proxy: null)",
		e.Message, e.StatusCode, e.Code, e.RequestID)
}

// Step Functions names an optimised DynamoDB integration's error after the
// exception class of AWS's Java SDK: "DynamoDB." + the class name. Error
// codes the SDK models for GetItem/PutItem/UpdateItem/DeleteItem have a class
// of their own; every other code, notably ValidationException, arrives as
// DynamoDB.AmazonDynamoDBException (recorded against AWS in LocalStack's
// tests/aws/services/stepfunctions/v2/error_handling/test_task_service_dynamodb.snapshot.json).
var exceptionClass = map[string]string{
	"ConditionalCheckFailedException":          "ConditionalCheckFailedException",
	"InternalServerError":                      "InternalServerErrorException",
	"InvalidEndpointException":                 "InvalidEndpointException",
	"ItemCollectionSizeLimitExceededException": "ItemCollectionSizeLimitExceededException",
	"ProvisionedThroughputExceededException":   "ProvisionedThroughputExceededException",
	"ReplicatedWriteConflictException":         "ReplicatedWriteConflictException",
	"RequestLimitExceeded":                     "RequestLimitExceededException",
	"ResourceNotFoundException":                "ResourceNotFoundException",
	"TransactionConflictException":             "TransactionConflictException",
}

// baseException is the Java SDK's base class for DynamoDB service errors.
const baseException = "AmazonDynamoDBException"

// clientException is the Java SDK's class for failures with no service
// answer (connection refused, timeouts).
const clientException = "SdkClientException"

// taskError maps an SDK error to the error the state machine sees.
func taskError(err error) *Error {
	var api smithy.APIError
	if !errors.As(err, &api) {
		return &Error{Name: "DynamoDB." + clientException, Message: "Unable to execute HTTP request: " + err.Error()}
	}
	e := &Error{Code: api.ErrorCode(), Message: api.ErrorMessage(), StatusCode: 400}
	class, ok := exceptionClass[e.Code]
	if !ok {
		class = baseException
	}
	e.Name = "DynamoDB." + class
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		e.StatusCode = re.HTTPStatusCode()
		e.RequestID = re.ServiceRequestID()
	}
	return e
}

// parameterError is a request the adapter cannot turn into an API call (a
// malformed attribute value, an unknown field). DynamoDB would answer such
// a request with a ValidationException, which Step Functions reports as
// DynamoDB.AmazonDynamoDBException.
func parameterError(op string, err error) *Error {
	return &Error{Name: "DynamoDB." + baseException, Message: "touchaudit: dynamodb:" + op + ": " + err.Error()}
}
