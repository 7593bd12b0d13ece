// Package message turns a workflow.Notification into the email one person
// reads: the recipient's address and language (Polish or English) from the
// company configuration, a subject, a plain-text body and an HTML body,
// all from one catalogue (catalogue.go). The SES notifier (internal/ses)
// sends what it composes and the local outbox (internal/outbox) keeps it,
// so the console shows exactly what AWS would send.
package message

import (
	"context"
	"fmt"
	"html"
	"strconv"
	"strings"
	"sync"
	"time"

	"touchaudit/internal/audit"
	"touchaudit/internal/workflow"
	tz "touchaudit/internal/zone"
)

// Message is one email to one person.
type Message struct {
	// Key is the notification's idempotency key (workflow.Notification.Key).
	Key       string                    `json:"key"`
	Kind      workflow.NotificationKind `json:"kind"`
	CompanyID string                    `json:"companyId"`
	StaffID   string                    `json:"staffId"`
	To        string                    `json:"to"`
	Name      string                    `json:"name"`
	Lang      audit.Lang                `json:"lang"`
	Subject   string                    `json:"subject"`
	Text      string                    `json:"text"`
	HTML      string                    `json:"html"`
}

// Companies reads company configurations (the store).
type Companies interface {
	GetCompany(ctx context.Context, id string) (*audit.Company, error)
}

// Composer composes messages, caching each company's configuration for
// companyTTL (a Lambda container sends many messages of one company).
type Composer struct {
	companies Companies
	appURL    string
	now       func() time.Time
	mu        sync.Mutex
	cache     map[string]cached
}

type cached struct {
	c  *audit.Company
	at time.Time
}

// companyTTL bounds how long a changed address or language goes unseen.
const companyTTL = 5 * time.Minute

// NewComposer returns a composer over the company store; appURL is the
// form's address in links (https://…/, or "" for no links).
func NewComposer(companies Companies, appURL string) *Composer {
	return &Composer{companies: companies, appURL: strings.TrimSuffix(appURL, "/"), now: time.Now, cache: map[string]cached{}}
}

// NoAddress is the error for a recipient without an email address: the
// message cannot be sent, and no retry changes that.
type NoAddress struct{ StaffID string }

func (e *NoAddress) Error() string { return fmt.Sprintf("staff %s has no email address", e.StaffID) }

// Compose builds the message for n.
func (c *Composer) Compose(ctx context.Context, n workflow.Notification) (Message, error) {
	co, err := c.company(ctx, n.CompanyID)
	if err != nil {
		return Message{}, err
	}
	st, ok := co.Member(n.To)
	if !ok {
		return Message{}, audit.Errorf(audit.NotFound, "staff %s is not in company %s", n.To, n.CompanyID)
	}
	if st.Email == "" {
		return Message{}, &NoAddress{StaffID: st.ID}
	}
	return Render(n, st, co, c.appURL)
}

func (c *Composer) company(ctx context.Context, id string) (*audit.Company, error) {
	now := c.now()
	c.mu.Lock()
	e, ok := c.cache[id]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < companyTTL {
		return e.c, nil
	}
	co, err := c.companies.GetCompany(ctx, id)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.cache[id] = cached{c: co, at: now}
	c.mu.Unlock()
	return co, nil
}

// LangOf is the language a person is written to in: the first of their
// languages that touchaudit speaks, Polish when none is.
func LangOf(st audit.Staff) audit.Lang {
	for _, l := range st.Languages {
		if l == audit.Polish || l == audit.English {
			return l
		}
	}
	return audit.Polish
}

// zone is where deadlines are shown: the audited companies are Polish.
var zone = tz.Warsaw

// data is what the catalogue's placeholders name.
type data struct {
	Name       string
	Touchpoint string
	Due        string
	Link       string
	Auditor    string
	Review     string
	Promise    string
	Action     string
	Count      int
	Stage      string
}

// fill replaces the catalogue's placeholders in s with d's values; one it
// does not know is an error (TestCatalogue_EveryPlaceholderIsKnown).
func fill(s string, d data) (string, error) {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return "", fmt.Errorf("message: unclosed placeholder in %q", s)
		}
		b.WriteString(s[:i])
		switch name := s[i+1 : i+j]; name {
		case "Name":
			b.WriteString(d.Name)
		case "Touchpoint":
			b.WriteString(d.Touchpoint)
		case "(Touchpoint)":
			if d.Touchpoint != "" {
				b.WriteString(" (" + d.Touchpoint + ")")
			}
		case "Due":
			b.WriteString(d.Due)
		case "Auditor":
			b.WriteString(d.Auditor)
		case "Review":
			b.WriteString(d.Review)
		case "Promise":
			b.WriteString(d.Promise)
		case "Action":
			b.WriteString(d.Action)
		case "Count":
			b.WriteString(strconv.Itoa(d.Count))
		default:
			return "", fmt.Errorf("message: unknown placeholder {%s}", name)
		}
		s = s[i+j+1:]
	}
}

// Render builds the message for n to st of company co; links point into
// appURL (none when it is empty).
func Render(n workflow.Notification, st audit.Staff, co *audit.Company, appURL string) (Message, error) {
	lang := LangOf(st)
	e, ok := catalogue[lang][n.Kind]
	if !ok {
		return Message{}, audit.Errorf(audit.Invalid, "no %s message for notification kind %q", lang, n.Kind)
	}
	d := data{Name: st.Name, Review: n.ReviewID, Promise: n.PromiseID, Action: n.ActionID, Count: n.Count, Touchpoint: n.TouchpointID, Stage: n.Stage}
	if ref, ok := co.Touchpoint(n.TouchpointID); ok {
		d.Touchpoint = ref.Name.In(lang)
	}
	if a, ok := co.Member(n.AuditorID); ok {
		d.Auditor = a.Name
	}
	if !n.Due.IsZero() {
		d.Due = formatTime(n.Due, lang)
	}
	// Only a web address becomes a link (html/template used to refuse
	// other schemes in href).
	if appURL = strings.TrimSuffix(appURL, "/"); strings.HasPrefix(appURL, "https://") || strings.HasPrefix(appURL, "http://") {
		d.Link = appURL + "/"
		if n.AssignmentID != "" && !n.Kind.ForLeads() {
			d.Link += "#/a/" + n.AssignmentID
		}
	}
	m := Message{Key: n.Key(), Kind: n.Kind, CompanyID: co.ID, StaffID: st.ID, To: st.Email, Name: st.Name, Lang: lang}
	subject := e.subject
	if e.today != "" && n.Stage == workflow.ReminderToday {
		subject = e.today
	}
	var err error
	if m.Subject, err = fill(subject, d); err != nil {
		return Message{}, err
	}
	body, err := fill(e.body, d)
	if err != nil {
		return Message{}, err
	}
	closing := texts[lang]
	m.Text = fmt.Sprintf("%s\n\n%s", strings.TrimSpace(body), closing.signature)
	if d.Link != "" {
		m.Text = fmt.Sprintf("%s\n\n%s\n\n%s", strings.TrimSpace(body), closing.open+": "+d.Link, closing.signature)
	}
	var paras []string
	for p := range strings.SplitSeq(strings.TrimSpace(body), "\n\n") {
		paras = append(paras, strings.Join(strings.Fields(p), " "))
	}
	m.HTML = page(lang, m.Subject, paras, d.Link, closing)
	return m, nil
}

var monthsPL = [...]string{"stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września", "października", "listopada", "grudnia"}

// formatTime writes a deadline as people of the language read it, in
// Polish time: "16 listopada 2026, 10:00" or "16 November 2026, 10:00".
func formatTime(t time.Time, lang audit.Lang) string {
	t = t.In(zone)
	if lang == audit.Polish {
		return fmt.Sprintf("%d %s %d, %s", t.Day(), monthsPL[t.Month()-1], t.Year(), t.Format("15:04"))
	}
	return t.Format("2 January 2006, 15:04")
}

// page is the HTML body: the subject as a heading, the paragraphs, the link
// and the signature, every value escaped.
func page(lang audit.Lang, subject string, paras []string, link string, c closing) string {
	esc := html.EscapeString
	var b strings.Builder
	b.WriteString(`<!doctype html>
<html lang="` + esc(string(lang)) + `"><head><meta charset="utf-8"><title>` + esc(subject) + `</title></head>
<body style="font-family: sans-serif; line-height: 1.5; color: #1a1a1a">
<h1 style="font-size: 1.25em">` + esc(subject) + `</h1>
`)
	for _, p := range paras {
		b.WriteString("<p>" + esc(p) + "</p>\n")
	}
	if link != "" {
		b.WriteString(`<p><a href="` + esc(link) + `">` + esc(c.open) + "</a></p>\n")
	}
	b.WriteString(`<p style="color: #555">` + esc(c.signature) + `</p>
</body></html>
`)
	return b.String()
}
