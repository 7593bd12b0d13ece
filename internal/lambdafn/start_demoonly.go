//go:build demoonly

package lambdafn

import "context"

// Start is left out of the demo-only CLI (`make run` builds cmd/touchaudit
// with -tags demoonly): the demo runs every function in process through
// Handler, and the Lambda runtime client would add net/http and crypto/tls,
// about 90 packages, to the first build.
func Start[In, Out any](func(context.Context, In) (Out, error), ...Option) {
	panic("lambdafn.Start: this binary was built with -tags demoonly, without the Lambda runtime client")
}
