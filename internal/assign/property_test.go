package assign

import (
	"fmt"
	"runtime"
	"testing"
)

// TestAssign_GeneratedCompany checks every rule on plans for generated
// companies, from roomy to starved.
func TestAssign_GeneratedCompany(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    shape
	}{
		{"roomy", shape{auditors: 300, touchpoints: 500, walks: 2, cap: 6, regions: 16, branchesPerRegion: 4, prevShare: 0.5}},
		{"tight", shape{auditors: 200, touchpoints: 550, walks: 2, cap: 6, regions: 16, branchesPerRegion: 4, prevShare: 0.8}},
		{"starved", shape{auditors: 80, touchpoints: 600, walks: 3, cap: 4, regions: 8, branchesPerRegion: 6, prevShare: 1}},
		{"few regions, five walks", shape{auditors: 150, touchpoints: 100, walks: 5, cap: 6, regions: 2, branchesPerRegion: 3, prevShare: 1}},
		{"tiny branches", shape{auditors: 40, touchpoints: 60, walks: 2, cap: 6, regions: 16, branchesPerRegion: 1, prevShare: 0.5}},
	} {
		for seed := uint64(1); seed <= 5; seed++ {
			t.Run(fmt.Sprintf("%s/seed=%d", tc.name, seed), func(t *testing.T) {
				req := generateRequest(t, seed, tc.s)
				plan, err := Assign(req)
				if err != nil {
					t.Fatal(err)
				}
				verify(t, req, plan)
				t.Logf("%d assigned, %d unstaffed, %d repeats", len(plan.Assigned), len(plan.Unstaffed), len(plan.Repeats()))
			})
		}
	}
}

// TestAssign_20kTasks1kAuditors checks a large plan for correctness.
func TestAssign_20kTasks1kAuditors(t *testing.T) {
	req := generateRequest(t, 7, shape{auditors: 1000, touchpoints: 10000, walks: 2, cap: 30, regions: 16, branchesPerRegion: 20, prevShare: 0.7})
	plan, err := Assign(req)
	if err != nil {
		t.Fatal(err)
	}
	verify(t, req, plan)
	t.Logf("%d assigned, %d unstaffed, %d repeats", len(plan.Assigned), len(plan.Unstaffed), len(plan.Repeats()))
}

// TestAssign_MemoryBudget staffs the benchmark's 100k walks over 5k
// auditors once and checks that it allocates under the 128 MB.
func TestAssign_MemoryBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("large instance")
	}
	req := generateRequest(t, 1, benchShape)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	plan, err := Assign(req)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("allocated %.1f MB for %d tasks over %d auditors (%d unstaffed)", float64(allocated)/(1<<20), len(req.Tasks), len(req.Auditors), len(plan.Unstaffed))
	if allocated > memoryBudget {
		t.Errorf("allocated %d bytes, over the budget of %d", allocated, memoryBudget)
	}
}
