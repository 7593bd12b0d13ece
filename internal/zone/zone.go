// Package zone is the one time zone touchaudit needs, Europe/Warsaw: the
// audited companies are Polish, messages show their deadlines there and the
// half-yearly schedule runs there. provided.al2023 has no zone database,
// and time/tzdata would add every zone (about 450 kB to each function);
// Europe/Warsaw alone is Go's own lib/time/zoneinfo.zip entry (TZif with a
// POSIX rule for the years after its last transition), about 1 kB.
package zone

import (
	_ "embed"
	"time"
)

//go:embed Europe-Warsaw.tzif
var warsawTZif []byte

// Warsaw is Europe/Warsaw.
var Warsaw = mustLoad("Europe/Warsaw", warsawTZif)

func mustLoad(name string, tzif []byte) *time.Location {
	l, err := time.LoadLocationFromTZData(name, tzif)
	if err != nil {
		panic(err) // embedded, fixed at build time
	}
	return l
}
