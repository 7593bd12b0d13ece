//go:build demoonly

package main

import (
	"context"
	"errors"

	"touchaudit/internal/audit"
)

// The demo-only build (`make run`: -tags demoonly) links no AWS SDK, so that
// the first run on a machine compiles about half as many packages. It has
// the embedded store only; the full CLI (`go run ./cmd/touchaudit demo`) also
// runs the demo against DynamoDB.
func demoDynamoStore(context.Context, string) (audit.Store, string, error) {
	return nil, "", errors.New("DYNAMODB_ENDPOINT is set, but this build has only the embedded store (-tags demoonly); " +
		"run `go run ./cmd/touchaudit demo` to use DynamoDB")
}
