package assign

import "testing"

// The budget for staffing a review (issue 5, item 3): 100,000 walks
// over 5,000 auditors in at most 1 s and 128 MB.
const memoryBudget = 128 << 20

// benchShape is 50,000 touchpoints walked twice by 5,000 auditors, capped
// at 30 walks each (20 on average).
var benchShape = shape{auditors: 5000, touchpoints: 50000, walks: 2, cap: 30, regions: 16, branchesPerRegion: 20, prevShare: 0.7}

func BenchmarkAssign_100kTasks5kAuditors(b *testing.B) {
	req := generateRequest(b, 1, benchShape)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Assign(req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAssign_100kTasks5kAuditorsStarved caps auditors at 4, so 80% of
// the walks go unstaffed and need explaining.
func BenchmarkAssign_100kTasks5kAuditorsStarved(b *testing.B) {
	s := benchShape
	s.cap = 4
	req := generateRequest(b, 1, s)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Assign(req); err != nil {
			b.Fatal(err)
		}
	}
}
