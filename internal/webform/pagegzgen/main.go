// Command pagegzgen writes the form's page's gzip variant into
// internal/webform/pagegz (webform.WritePageGzip), so the api function
// embeds it instead of compressing the page at every cold start. It runs
// at go generate ./internal/webform.
package main

import (
	"fmt"
	"os"

	"touchaudit/internal/webform"
)

func main() {
	if err := webform.WritePageGzip("pagegz"); err != nil {
		fmt.Fprintf(os.Stderr, "pagegzgen: %v\n", err)
		os.Exit(1)
	}
}
