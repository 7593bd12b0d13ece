package scoring

import (
	"testing"
	"time"

	"touchaudit/internal/audit"
)

// BenchmarkScore scores 100,000 walkthroughs per iteration, cycling through
// walks of every touchpoint kind, and reports walkthroughs/s. Target (issue
// #4): at least 100,000 walkthroughs/s on one core.
func BenchmarkScore(b *testing.B) {
	e := testEngine(b)
	promised := branchWalk()
	promised.Promises = []audit.Promise{{ID: "p1", CriterionID: "callback", Text: "Doradca oddzwoni", MadeAt: t0, DueAt: t0.Add(24 * time.Hour), Outcome: audit.PromiseBroken}}
	missed := ivrWalk(100 * time.Second)
	setAnswer(&missed, no("next-step"))
	walks := []audit.Walkthrough{branchWalk(), ivrWalk(20 * time.Second), missed, promised}
	const n = 100_000
	var r audit.Result
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for i := range n {
			if err := e.ScoreInto(&r, &walks[i%len(walks)], t0); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "walkthroughs/s")
}
