package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"touchaudit/internal/audit"
	"touchaudit/internal/browsertest"
	"touchaudit/internal/workflow"
)

// The auditor's form in a real headless Chromium at a phone's viewport,
// against `touchaudit local` started in process: the HTTP API, the local
// Step Functions engine in real time and the embedded store. The steps follow
// docs/AUDITOR-GUIDE.md and use the element ids it documents.
//
// UPDATE_SCREENSHOTS=1 saves the main screens to docs/screenshots/.

// screenshotDir is where UPDATE_SCREENSHOTS=1 writes the README's pictures.
const screenshotDir = "../../docs/screenshots"

// phoneWidth is an ordinary phone's CSS viewport width (390×844, see
// browsertest.PhoneHeight); narrowWidth is the smallest phone the form must
// fit (issue #6: 360 px).
const (
	phoneWidth  = 390
	narrowWidth = 360
)

func TestBrowser_AuditorWalksOfflineAndSyncs(t *testing.T) {
	browsertest.Chromium(t) // fail (CI) or skip before starting the server
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	s, err := startLocal(ctx, localOptions{Addr: "127.0.0.1:0", Dir: "../..", Review: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })

	t.Run("walk, submit offline, sync, scored", func(t *testing.T) {
		staff, id, err := s.OpenAssignment(ctx)
		if err != nil {
			t.Fatal(err)
		}
		p := newPhone(t, phoneWidth)
		p.do(chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.ID("token")))
		p.eval(`localStorage.setItem('ta.lang', 'en'); location.reload(); 0`)
		p.do(chromedp.WaitVisible(chromedp.ID("token")))
		p.checkAccessible("sign-in")
		p.shot("sign-in", "")

		// Sign in with the dev token `touchaudit local` prints.
		p.do(chromedp.SendKeys(chromedp.ID("token"), s.Tokens[staff]), chromedp.Tap(chromedp.ID("sign-in")))
		card := `#assignments a[data-assignment-id="` + id + `"]`
		p.do(chromedp.WaitVisible(chromedp.CSS(card)))
		p.waitText("#signed-in-as", "Signed in")
		p.checkAccessible("list")
		p.shot("list", "")

		// Open the assignment and start the walk.
		p.do(chromedp.Tap(chromedp.CSS(card)), chromedp.WaitVisible(chromedp.ID("start-walk")))
		p.waitText("#instructions", " ")
		p.do(chromedp.Tap(chromedp.ID("start-walk")), chromedp.WaitVisible(chromedp.ID("timers")))
		waitFor(t, 10*time.Second, func() (bool, string) {
			a, err := s.Store.GetAssignment(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return a.Status == audit.StatusStarted, "assignment " + string(a.Status) + ", want started"
		})

		// Time two steps: the timing criteria's steps, else added ones.
		keys := p.strings(`[...document.querySelectorAll('#timer-list .timer')].map(e => e.dataset.step)`)
		for _, k := range []string{"consultant", "queue"} {
			if len(keys) >= 2 {
				break
			}
			if !contains(keys, k) {
				p.addStep(k)
				keys = append(keys, k)
			}
		}
		p.do(chromedp.Tap(chromedp.ID("timer-"+keys[0]+"-start")), chromedp.Sleep(1100*time.Millisecond),
			chromedp.Tap(chromedp.ID("timer-"+keys[0]+"-stop")), chromedp.Tap(chromedp.ID("timer-"+keys[1]+"-start")))
		p.waitText("#timer-"+keys[1]+"-state", "running")
		p.do(chromedp.Tap(chromedp.ID("timer-" + keys[1] + "-pause")))
		p.waitText("#timer-"+keys[1]+"-state", "paused")
		p.do(chromedp.Tap(chromedp.ID("timer-" + keys[1] + "-resume")))
		p.waitText("#timer-"+keys[1]+"-state", "running")
		p.waitText("#timer-"+keys[1]+"-elapsed", "0:01")
		p.checkAccessible("timers")
		p.shot("assignment-timers", "#timer-"+keys[0])
		p.do(chromedp.Tap(chromedp.ID("timer-" + keys[1] + "-stop")))
		p.waitText("#timer-"+keys[0]+"-state", "done")

		// The checklist: yes, no and N/A, a counter, a fact, a promise.
		choices := p.strings(`[...document.querySelectorAll('fieldset.choice[data-criterion]:not(.promise)')].map(e => e.dataset.criterion)`)
		if len(choices) < 3 {
			t.Fatalf("the checklist has %d yes/no/N/A criteria, want at least 3", len(choices))
		}
		for i, v := range []string{"yes", "no", "na"} {
			p.do(chromedp.Tap(chromedp.CSS(`label[for="answer-` + choices[i] + `-` + v + `"]`)))
		}
		// Every other criterion is answered too: the server takes only a
		// complete walk.
		for _, c := range choices[3:] {
			p.do(chromedp.Tap(chromedp.CSS(`label[for="answer-` + c + `-yes"]`)))
		}
		efforts := p.strings(`[...document.querySelectorAll('.criterion.effort')].map(e => e.dataset.criterion)`)
		if len(efforts) > 0 {
			p.do(chromedp.Tap(chromedp.ID("count-"+efforts[0]+"-plus")), chromedp.Tap(chromedp.ID("count-"+efforts[0]+"-plus")),
				chromedp.Tap(chromedp.ID("count-"+efforts[0]+"-plus")), chromedp.Tap(chromedp.ID("count-"+efforts[0]+"-minus")))
			p.waitText("#count-"+efforts[0], "2")
		}
		for _, c := range efforts[min(1, len(efforts)):] {
			p.do(chromedp.Tap(chromedp.ID("count-"+c+"-plus")), chromedp.Tap(chromedp.ID("count-"+c+"-minus")))
		}
		facts := p.strings(`[...document.querySelectorAll('.criterion.fact')].map(e => e.dataset.criterion)`)
		if len(facts) > 0 {
			p.do(chromedp.SendKeys(chromedp.ID("fact-"+facts[0]), "9,00 zł"))
		}
		promises := p.strings(`[...document.querySelectorAll('fieldset.promise[data-criterion]')].map(e => e.dataset.criterion)`)
		if len(promises) > 0 {
			p.do(chromedp.Tap(chromedp.CSS(`label[for="answer-`+promises[0]+`-yes"]`)),
				chromedp.SendKeys(chromedp.ID("promise-"+promises[0]+"-text"), "Doradca oddzwoni jutro do 12:00."))
		} else {
			p.do(chromedp.Tap(chromedp.ID("add-promise")),
				chromedp.SendKeys(chromedp.CSS("#other-promises .promise-fields input"), "Doradca oddzwoni jutro do 12:00."))
		}
		p.do(chromedp.Tap(chromedp.CSS(`label[for="resolved-yes"]`)),
			chromedp.SendKeys(chromedp.ID("notes"), "Konsultant uprzejmy, menu za długie."))
		p.waitText("#draft-state", "Draft saved")
		p.waitText("#pending", "0 pending")
		p.checkAccessible("checklist")
		p.shot("checklist", "#checklist")

		// Offline: the submission waits on the phone.
		p.setOffline(true)
		p.waitText("#network", "Offline")
		p.do(chromedp.Tap(chromedp.ID("submit")))
		p.waitText("#pending", "1 pending")
		p.waitText("#sync-status", "waits to be sent")
		if n := p.evalAsync(`import('./db.js').then(m => m.all('outbox')).then(items => items.filter(i => i.kind === 'submit').length)`); n != float64(1) {
			t.Fatalf("queued submits: %v, want 1", n)
		}
		if a, _ := s.Store.GetAssignment(ctx, id); a.Status != audit.StatusStarted {
			t.Fatalf("offline, the assignment is %s on the server, want started", a.Status)
		}
		p.shot("offline-pending", "")

		// Back online: the queue syncs and the workflow scores the walk.
		p.setOffline(false)
		p.waitText("#pending", "0 pending")
		p.waitText("#submit-synced", "Sent")
		a, err := s.WaitScored(ctxFor(t, ctx, 20*time.Second), id)
		if err != nil {
			t.Fatal(err)
		}
		w, err := s.Store.GetWalkthrough(ctx, a.WalkthroughID)
		if err != nil {
			t.Fatal(err)
		}
		submissionID := p.eval(`JSON.parse(localStorage.getItem('ta.walk.` + id + `')).submission.id`)
		if w.ID != workflow.WalkthroughID(a.ID, submissionID.(string)) || a.SubmissionID != submissionID {
			t.Errorf("walkthrough %s / submission %s, want the form's submission id %v", w.ID, a.SubmissionID, submissionID)
		}
		checkRecordedWalk(t, w, keys[:2], choices[:3], efforts, facts)
		p.do(chromedp.Tap(chromedp.ID("back")), chromedp.Tap(chromedp.CSS(card)))
		p.waitText("#assignment-status", string(a.Status)) // scored, or closed when no promise check waits
		p.waitText("#submit-synced", "Sent")
		p.shot("synced", "")
		p.checkFits(phoneWidth)
	})

	t.Run("a started walk survives a reload", func(t *testing.T) {
		staff, id, err := s.OpenAssignment(ctx)
		if err != nil {
			t.Fatal(err)
		}
		p := newPhone(t, narrowWidth)
		p.do(chromedp.Navigate(s.URL + "/#token=" + s.Tokens[staff]))
		p.eval(`localStorage.setItem('ta.lang', 'pl'); 0`)
		card := `#assignments a[data-assignment-id="` + id + `"]`
		p.do(chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(card)))
		p.checkFits(narrowWidth)
		p.do(chromedp.Tap(chromedp.CSS(card)), chromedp.Tap(chromedp.ID("start-walk")), chromedp.WaitVisible(chromedp.ID("timers")))
		key := p.strings(`[...document.querySelectorAll('#timer-list .timer')].map(e => e.dataset.step)`)
		if len(key) == 0 {
			p.addStep("consultant")
			key = []string{"consultant"}
		}
		p.do(chromedp.Tap(chromedp.ID("timer-"+key[0]+"-start")), chromedp.Sleep(1100*time.Millisecond), chromedp.Tap(chromedp.ID("timer-"+key[0]+"-stop")))
		p.waitText("#timer-"+key[0]+"-state", "zakończony")
		done := p.text("#timer-" + key[0] + "-elapsed")
		p.checkFits(narrowWidth)
		p.shot("assignment-360-pl", "")

		p.do(chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("timers")))
		p.waitText("#timer-"+key[0]+"-state", "zakończony")
		if got := p.text("#timer-" + key[0] + "-elapsed"); got != done {
			t.Errorf("after the reload the step shows %q, want %q", got, done)
		}
		if p.exists("#start-walk") {
			t.Error("after the reload the walk asks to be started again")
		}
		// The draft reached the server too, so another phone could go on.
		waitFor(t, 10*time.Second, func() (bool, string) {
			a, err := s.Store.GetAssignment(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			ok := a.Draft != nil && len(a.Draft.Timeline) == 1 && a.Draft.Timeline[0].Key == key[0]
			return ok, fmt.Sprintf("no draft with step %s on the server: %+v", key[0], a.Draft)
		})
	})
}

// checkRecordedWalk compares the stored walkthrough with what the test did.
func checkRecordedWalk(t *testing.T, w *audit.Walkthrough, steps, choices, efforts, facts []string) {
	t.Helper()
	if len(w.Timeline) != 2 || w.Timeline[0].Key != steps[0] || w.Timeline[1].Key != steps[1] {
		t.Errorf("timeline %+v, want steps %v", w.Timeline, steps)
	} else {
		first, second := w.Timeline[0], w.Timeline[1]
		if d := first.End.Client.Sub(first.Start.Client); d < time.Second || d > 5*time.Second {
			t.Errorf("step %s lasted %v, want about 1.1 s", first.Key, d)
		}
		if len(second.Pauses) != 1 || second.Start.Server.IsZero() {
			t.Errorf("step %s: pauses %+v, server stamp %v: want one pause and a server stamp", second.Key, second.Pauses, second.Start.Server)
		}
	}
	answers := map[string]audit.Answer{}
	for _, a := range w.Answers {
		answers[a.CriterionID] = a
	}
	for i, v := range []audit.AnswerValue{audit.AnswerYes, audit.AnswerNo, audit.AnswerNA} {
		if got := answers[choices[i]].Value; got != v {
			t.Errorf("answer %s = %q, want %q", choices[i], got, v)
		}
	}
	if len(efforts) > 0 {
		if c := answers[efforts[0]].Count; c == nil || *c != 2 {
			t.Errorf("count %s = %v, want 2", efforts[0], c)
		}
	}
	if len(facts) > 0 && (len(w.Facts) != 1 || w.Facts[0].Value != "9,00 zł") {
		t.Errorf("facts %+v, want one of 9,00 zł", w.Facts)
	}
	if len(w.Promises) != 1 || w.Promises[0].Outcome != audit.PromisePending || !w.Promises[0].DueAt.After(w.Promises[0].MadeAt) {
		t.Errorf("promises %+v, want one pending", w.Promises)
	}
	if !w.Resolved || !strings.Contains(w.Notes, "menu") {
		t.Errorf("resolved %v, notes %q", w.Resolved, w.Notes)
	}
}

func ctxFor(t *testing.T, parent context.Context, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(parent, d)
	t.Cleanup(cancel)
	return ctx
}

// waitFor polls cond until it holds; its message says what was seen.
func waitFor(t *testing.T, d time.Duration, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		ok, msg := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal(msg)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// phone is one headless Chromium tab emulating a phone with touch.
type phone struct {
	t   *testing.T
	ctx context.Context
}

func newPhone(t *testing.T, width int64) *phone {
	t.Helper()
	return &phone{t: t, ctx: browsertest.Phone(t, width)}
}

func (p *phone) do(steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		p.t.Fatal(err)
	}
}

func (p *phone) eval(js string) any {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[any](js))
	if err != nil {
		p.t.Fatalf("%s: %v", js, err)
	}
	return v
}

// evalAsync waits for the promise js evaluates to and returns its value.
func (p *phone) evalAsync(js string) any {
	p.t.Helper()
	p.eval(`window.__taResult = undefined; Promise.resolve(` + js + `).then(v => { window.__taResult = {v} }, e => { window.__taResult = {e: String(e)} }); 0`)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if r, ok := p.eval(`window.__taResult === undefined ? null : window.__taResult`).(map[string]any); ok {
			if e, failed := r["e"]; failed {
				p.t.Fatalf("%s: %v", js, e)
			}
			return r["v"]
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.t.Fatalf("%s: no answer within 10 s", js)
	return nil
}

func (p *phone) strings(js string) []string {
	p.t.Helper()
	b, _ := json.Marshal(p.eval(js))
	var out []string
	if err := json.Unmarshal(b, &out); err != nil {
		p.t.Fatalf("%s: %v", js, err)
	}
	return out
}

func (p *phone) text(sel string) string {
	p.t.Helper()
	s, _ := p.eval(`(document.querySelector(` + jsQuote(sel) + `) || {}).textContent || ''`).(string)
	return s
}

func (p *phone) exists(sel string) bool {
	p.t.Helper()
	return p.eval(`!!document.querySelector(`+jsQuote(sel)+`)`) == true
}

// waitText waits until the element's text contains want.
func (p *phone) waitText(sel, want string) {
	p.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		got := p.text(sel)
		if strings.Contains(got, want) {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%s shows %q, want %q", sel, got, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (p *phone) addStep(key string) {
	p.t.Helper()
	p.do(chromedp.Tap(chromedp.CSS("#add-step-panel summary")), chromedp.SendKeys(chromedp.ID("new-step-key"), key),
		chromedp.Tap(chromedp.ID("add-step")), chromedp.WaitVisible(chromedp.ID("timer-"+key+"-start")))
}

// setOffline cuts the tab's network (requests fail, navigator.onLine is
// false, the 'offline' event fires, the service worker is offline too) or
// restores it.
func (p *phone) setOffline(offline bool) {
	p.t.Helper()
	if err := browsertest.SetOffline(p.ctx, offline); err != nil {
		p.t.Fatal(err)
	}
}

// checkAccessible checks what the form promises every screen: every field
// has a label, every control is at least 44 px tall, nothing is wider than
// the screen.
func (p *phone) checkAccessible(screen string) {
	p.t.Helper()
	problems := p.strings(`(() => {
	  const out = [];
	  for (const el of document.querySelectorAll('input, select, textarea')) {
	    if (el.type === 'hidden' || el.closest('details:not([open])')) continue;
	    if (!(el.labels && el.labels.length) && !el.getAttribute('aria-label')) out.push('no label: #' + el.id);
	  }
	  for (const el of document.querySelectorAll('button, a[href], .choices label, summary')) {
	    const r = el.getBoundingClientRect();
	    if (r.width === 0 || el.classList.contains('skip') || el.closest('details:not([open])') && el.tagName !== 'SUMMARY') continue;
	    if (r.height < 44) out.push('under 44 px: ' + (el.id || el.textContent.trim().slice(0, 30)) + ' ' + Math.round(r.height));
	  }
	  return out;
	})()`)
	if len(problems) > 0 {
		p.t.Errorf("%s: %s", screen, strings.Join(problems, "; "))
	}
	p.checkFits(0)
}

// checkFits fails when the page scrolls sideways.
func (p *phone) checkFits(width int) {
	p.t.Helper()
	if v := p.eval(`document.documentElement.scrollWidth - window.innerWidth`); v.(float64) > 0 {
		p.t.Errorf("the page is %v px wider than the %d px screen", v, width)
	}
}

// shot saves the screen, scrolled to sel, with UPDATE_SCREENSHOTS=1.
func (p *phone) shot(name, sel string) {
	p.t.Helper()
	if os.Getenv("UPDATE_SCREENSHOTS") == "" {
		return
	}
	scroll := `window.scrollTo(0, 0)`
	if sel != "" {
		scroll = `document.querySelector(` + jsQuote(sel) + `).scrollIntoView({block: 'start'})`
	}
	p.eval(scroll + `; document.activeElement && document.activeElement.blur(); 0`)
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	b, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Fatal(err)
	}
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(screenshotDir, name+".png"), b, 0o644); err != nil {
		p.t.Fatal(err)
	}
}

func jsQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
