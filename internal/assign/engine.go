package assign

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"

	"touchaudit/internal/audit"
)

// The engine keeps, for every pool of interchangeable auditors (one region
// and language for branch visits, one language for everything else), a heap
// of groups (one per home unit), and in each group a heap of its auditors by
// (load, seeded tie). An auditor belongs to one group in each pool they
// qualify for. Finding the least-loaded auditor outside a few excluded units
// and people walks only the top of these heaps, so staffing a walk costs
// O(log auditors) whatever the size of the company; taking a walk sifts the
// auditor down in each of their (at most 2 × languages) groups.

// full is the key of an auditor at the cap: it sinks below everybody and
// the searches skip it.
const full = math.MaxUint64

const (
	repeatsPrevious uint8 = 1 << iota
	sharesUnit
)

type engine struct {
	max, slack int32
	rng        *rand.Rand

	// Auditors (role holders), sorted by id; an auditor is an index.
	ids   []string
	index map[string]int32
	home  []int32 // unit index
	load  []int32
	key   []uint64 // load<<32 | tie, or full
	// Memberships: auditor a is in groups memGroup[memStart[a]:memStart[a+1]],
	// at heap positions memPos.
	memStart, memAud, memGroup, memPos []int32

	groups   []group
	pools    []pool
	poolIdx  map[poolKey]int32
	groupIdx map[groupKey]int32

	unitIdx  map[string]int32
	unitByID map[string]audit.Unit
	staff    []audit.Staff // the request's, role holders or not: the explanation counts them

	prev      []int32 // last review's auditors of every touchpoint, see touchpoint.prevFirst
	explained map[cause]Infeasible

	// Scratch, reused for every walk.
	walkers, units, excl, outer, inner []int32
}

type poolKey struct {
	region    string
	anyRegion bool
	lang      audit.Lang
}

type groupKey struct{ pool, unit int32 }

type pool struct {
	heap []int32 // group ids by their top auditor
	size int
}

type group struct {
	pool, unit int32
	heap       []int32 // membership ids by auditor key
	pos        int32   // in the pool's heap
}

// touchpoint is one touchpoint to staff, with its tasks.
type touchpoint struct {
	id        string
	need      Need
	owner     int32 // need.owner interned: the group nobody is taken from
	pool      int32 // need.pool(), or -1: nobody qualifies
	first, n  int32 // where walks sits in the tasks laid out by touchpoint
	prevFirst int32 // previous auditors: engine.prev[prevFirst:prevFirst+prevN]
	prevN     int32
	eligible  int // pool members outside the owning unit: how constrained it is
	hash      uint64
	staffed   int32   // walks given an auditor
	walks     []int32 // task indices, by walk
}

func newEngine(req *Request) *engine {
	e := &engine{
		max:      int32(min(req.MaxPerAuditor, math.MaxInt32)),
		slack:    int32(min(req.UnitSlack, math.MaxInt32/2)),
		rng:      rand.New(rand.NewPCG(uint64(req.Seed), 0x746f756368617564)), // "touchaud"
		poolIdx:  map[poolKey]int32{},
		groupIdx: map[groupKey]int32{},
		unitIdx:  map[string]int32{},
		unitByID: make(map[string]audit.Unit, len(req.Units)),
		staff:    req.Auditors,
	}
	for _, u := range req.Units {
		e.unitByID[u.ID] = u
	}
	staff := make([]*audit.Staff, 0, len(req.Auditors))
	for i := range req.Auditors {
		if req.Auditors[i].Has(audit.RoleAuditor) {
			staff = append(staff, &req.Auditors[i])
		}
	}
	slices.SortFunc(staff, func(a, b *audit.Staff) int { return cmp.Compare(a.ID, b.ID) })

	n := len(staff)
	e.ids = make([]string, n)
	e.index = make(map[string]int32, n)
	e.home = make([]int32, n)
	e.load = make([]int32, n)
	e.key = make([]uint64, n)
	e.memStart = make([]int32, n+1)
	for a, s := range staff {
		e.ids[a] = s.ID
		e.index[s.ID] = int32(a)
		e.home[a] = e.unit(s.HomeUnit)
		e.key[a] = uint64(e.rng.Uint32())
		e.memStart[a] = int32(len(e.memAud))
		memberships(s, func(k poolKey) { e.join(int32(a), k) })
	}
	e.memStart[n] = int32(len(e.memAud))

	for g := range e.groups {
		h := e.groups[g].heap
		for i := len(h)/2 - 1; i >= 0; i-- {
			e.groupDown(int32(g), i)
		}
	}
	for p := range e.pools {
		h := e.pools[p].heap
		for i := len(h)/2 - 1; i >= 0; i-- {
			e.poolDown(int32(p), i)
		}
	}
	return e
}

// unit interns a unit id.
func (e *engine) unit(id string) int32 {
	u, ok := e.unitIdx[id]
	if !ok {
		u = int32(len(e.unitIdx))
		e.unitIdx[id] = u
	}
	return u
}

// join adds auditor a to the pool, in the group of their home unit.
func (e *engine) join(a int32, k poolKey) {
	p, ok := e.poolIdx[k]
	if !ok {
		p = int32(len(e.pools))
		e.poolIdx[k] = p
		e.pools = append(e.pools, pool{})
	}
	gk := groupKey{p, e.home[a]}
	g, ok := e.groupIdx[gk]
	if !ok {
		g = int32(len(e.groups))
		e.groupIdx[gk] = g
		e.groups = append(e.groups, group{pool: p, unit: e.home[a], pos: int32(len(e.pools[p].heap))})
		e.pools[p].heap = append(e.pools[p].heap, g)
	}
	m := int32(len(e.memAud))
	e.memAud = append(e.memAud, a)
	e.memGroup = append(e.memGroup, g)
	e.memPos = append(e.memPos, int32(len(e.groups[g].heap)))
	e.groups[g].heap = append(e.groups[g].heap, m)
	e.pools[p].size++
}

// touchpoints groups the tasks by touchpoint and resolves what each needs.
func (e *engine) touchpoints(req *Request) ([]touchpoint, error) {
	idx := make(map[string]int32, len(req.Tasks))
	taskTP := make([]int32, len(req.Tasks))
	var firstTask []int32
	for i := range req.Tasks {
		ti, ok := idx[req.Tasks[i].TouchpointID]
		if !ok {
			ti = int32(len(firstTask))
			idx[req.Tasks[i].TouchpointID] = ti
			firstTask = append(firstTask, int32(i))
		}
		taskTP[i] = ti
	}
	tps := make([]touchpoint, len(firstTask))
	for ti, i := range firstTask {
		tps[ti] = e.resolve(&req.Tasks[i], req)
	}
	for i, ti := range taskTP {
		t, tp := &req.Tasks[i], &tps[ti]
		if tp.need.owner != t.OwnerUnit || tp.need.branch != (t.Channel == audit.ChannelBranch) || tp.need.lang != visitLanguage(t) {
			return nil, audit.Errorf(audit.Invalid, "tasks of touchpoint %s disagree on owner, channel or language", t.TouchpointID)
		}
		tp.n++
	}

	// Lay the tasks out by touchpoint, each touchpoint's by walk.
	var next int32
	for i := range tps {
		tps[i].first = next
		next += tps[i].n
		tps[i].n = 0
	}
	taskOrder := make([]int32, len(req.Tasks))
	for i, ti := range taskTP {
		tp := &tps[ti]
		taskOrder[tp.first+tp.n] = int32(i)
		tp.n++
	}
	for i := range tps {
		tp := &tps[i]
		tp.walks = taskOrder[tp.first : tp.first+tp.n : tp.first+tp.n]
		slices.SortFunc(tp.walks, func(a, b int32) int { return cmp.Compare(req.Tasks[a].Walk, req.Tasks[b].Walk) })
		for k := 1; k < len(tp.walks); k++ {
			if req.Tasks[tp.walks[k]].Walk == req.Tasks[tp.walks[k-1]].Walk {
				return nil, audit.Errorf(audit.Invalid, "touchpoint %s has walk %d twice", tp.id, req.Tasks[tp.walks[k]].Walk)
			}
		}
	}
	return tps, nil
}

// visitLanguage is the language task t needs, as audit.Touchpoint.VisitLanguage.
func visitLanguage(t *Task) audit.Lang {
	if t.Language == "" {
		return audit.Polish
	}
	return t.Language
}

// resolve works out what the touchpoint of task t needs: the pool that
// passes Need.RuledOut's region and language rules, less the owner's group
// (its home-unit rule).
func (e *engine) resolve(t *Task, req *Request) touchpoint {
	owner, ok := e.unitByID[t.OwnerUnit]
	tp := touchpoint{id: t.TouchpointID, need: needOf(t, owner, ok), owner: e.unit(t.OwnerUnit), pool: -1}
	if key, ok := tp.need.pool(); ok {
		if p, ok := e.poolIdx[key]; ok {
			tp.pool = p
			tp.eligible = e.pools[p].size - e.homeIn(p, tp.owner)
		}
	}
	tp.hash = mix(fnv64a(tp.id) ^ uint64(req.Seed))

	tp.prevFirst = int32(len(e.prev))
	for _, id := range req.Previous[tp.id] {
		if a, ok := e.index[id]; ok && !slices.Contains(e.prev[tp.prevFirst:], a) {
			e.prev = append(e.prev, a)
		}
	}
	tp.prevN = int32(len(e.prev)) - tp.prevFirst
	return tp
}

func fnv64a(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// mix is splitmix64's finaliser: it spreads the seed over the hash.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// choose picks the auditor for the touchpoint's next walk, given the
// auditors (e.walkers) and home units (e.units) of its earlier walks.
func (e *engine) choose(tp *touchpoint) (int32, uint8) {
	if tp.pool < 0 {
		return -1, 0
	}
	prev := e.prev[tp.prevFirst : tp.prevFirst+tp.prevN]

	// The owner's unit is skipped for Need.RuledOut's home-unit rule, the
	// units of earlier walks for variety.
	e.excl = append(append(e.excl[:0], tp.owner), e.units...)
	fresh := e.bestOutside(tp.pool, e.excl, prev)

	shared := int32(-1)
	if len(e.units) > 0 {
		e.excl = append(append(e.excl[:0], e.walkers...), prev...)
		for _, u := range e.units {
			if g, ok := e.groupIdx[groupKey{tp.pool, u}]; ok {
				if c := e.bestIn(g, e.excl); c >= 0 && (shared < 0 || e.less(c, shared)) {
					shared = c
				}
			}
		}
	}
	switch {
	case fresh >= 0 && (shared < 0 || e.load[fresh] <= e.load[shared]+e.slack):
		return fresh, 0
	case shared >= 0:
		return shared, sharesUnit
	}

	// Only auditors who walked it last time are left: the pool holds those
	// who pass the region and language rules, the owner's unit fails the
	// home-unit rule.
	best := int32(-1)
	for _, a := range prev {
		if e.key[a] == full || e.home[a] == tp.owner || slices.Contains(e.walkers, a) || !e.inPool(a, tp.pool) {
			continue
		}
		if best < 0 || e.less(a, best) {
			best = a
		}
	}
	if best < 0 {
		return -1, 0
	}
	flags := repeatsPrevious
	if slices.Contains(e.units, e.home[best]) {
		flags |= sharesUnit
	}
	return best, flags
}

// bestOutside is the least auditor of pool p outside the units skip and not
// among the people avoid.
func (e *engine) bestOutside(p int32, skip, avoid []int32) int32 {
	h := e.pools[p].heap
	best := int32(-1)
	e.outer = append(e.outer[:0], 0)
	for len(e.outer) > 0 {
		i := e.outer[len(e.outer)-1]
		e.outer = e.outer[:len(e.outer)-1]
		if int(i) >= len(h) {
			continue
		}
		g := h[i]
		top := e.top(g)
		if e.key[top] == full || best >= 0 && !e.less(top, best) {
			continue // nothing better below
		}
		if slices.Contains(skip, e.groups[g].unit) {
			e.outer = append(e.outer, 2*i+1, 2*i+2)
			continue
		}
		cand := top
		if slices.Contains(avoid, top) {
			cand = e.bestIn(g, avoid)
			e.outer = append(e.outer, 2*i+1, 2*i+2)
		}
		if cand >= 0 && (best < 0 || e.less(cand, best)) {
			best = cand
		}
	}
	return best
}

// bestIn is the least auditor of group g not among avoid, or -1.
func (e *engine) bestIn(g int32, avoid []int32) int32 {
	h := e.groups[g].heap
	best := int32(-1)
	e.inner = append(e.inner[:0], 0)
	for len(e.inner) > 0 {
		i := e.inner[len(e.inner)-1]
		e.inner = e.inner[:len(e.inner)-1]
		if int(i) >= len(h) {
			continue
		}
		a := e.memAud[h[i]]
		if e.key[a] == full || best >= 0 && !e.less(a, best) {
			continue
		}
		if slices.Contains(avoid, a) {
			e.inner = append(e.inner, 2*i+1, 2*i+2)
			continue
		}
		best = a
	}
	return best
}

// take gives auditor a one more walk.
func (e *engine) take(a int32) {
	e.load[a]++
	if e.load[a] >= e.max {
		e.key[a] = full
	} else {
		e.key[a] = uint64(e.load[a])<<32 | uint64(e.rng.Uint32())
	}
	// The key only grows, so sifting down is enough.
	for m := e.memStart[a]; m < e.memStart[a+1]; m++ {
		g := e.memGroup[m]
		wasTop := e.memPos[m] == 0
		e.groupDown(g, int(e.memPos[m]))
		if wasTop {
			e.poolDown(e.groups[g].pool, int(e.groups[g].pos))
		}
	}
}

// homeIn is how many of pool p's auditors belong to unit u.
func (e *engine) homeIn(p, u int32) int {
	if g, ok := e.groupIdx[groupKey{p, u}]; ok {
		return len(e.groups[g].heap)
	}
	return 0
}

func (e *engine) inPool(a, p int32) bool {
	for m := e.memStart[a]; m < e.memStart[a+1]; m++ {
		if e.groups[e.memGroup[m]].pool == p {
			return true
		}
	}
	return false
}

// less orders auditors by load, then seeded tie, then id.
func (e *engine) less(a, b int32) bool {
	return e.key[a] < e.key[b] || e.key[a] == e.key[b] && a < b
}

func (e *engine) top(g int32) int32 { return e.memAud[e.groups[g].heap[0]] }

func (e *engine) groupDown(g int32, i int) {
	h := e.groups[g].heap
	for {
		c := 2*i + 1
		if c >= len(h) {
			return
		}
		if r := c + 1; r < len(h) && e.less(e.memAud[h[r]], e.memAud[h[c]]) {
			c = r
		}
		if !e.less(e.memAud[h[c]], e.memAud[h[i]]) {
			return
		}
		h[i], h[c] = h[c], h[i]
		e.memPos[h[i]], e.memPos[h[c]] = int32(i), int32(c)
		i = c
	}
}

func (e *engine) poolDown(p int32, i int) {
	h := e.pools[p].heap
	for {
		c := 2*i + 1
		if c >= len(h) {
			return
		}
		if r := c + 1; r < len(h) && e.less(e.top(h[r]), e.top(h[c])) {
			c = r
		}
		if !e.less(e.top(h[c]), e.top(h[i])) {
			return
		}
		h[i], h[c] = h[c], h[i]
		e.groups[h[i]].pos, e.groups[h[c]].pos = int32(i), int32(c)
		i = c
	}
}
