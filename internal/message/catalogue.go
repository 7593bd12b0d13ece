package message

import (
	"touchaudit/internal/audit"
	"touchaudit/internal/workflow"
)

// The catalogue: every notification kind in Polish and English. A body is
// paragraphs separated by blank lines; the plain-text part keeps them, the
// HTML part wraps each in <p>. Placeholders (fill): {Name} (the recipient),
// {Touchpoint}, {Due}, {Auditor}, {Review}, {Promise}, {Action}, {Count}, and
// {(Touchpoint)}, the touchpoint in parentheses after a space, or nothing.
// Plain strings rather than text/template: a binary that links
// text/template keeps every exported method of every type (the template may
// call any by name), which made each workflow function 7 MB larger.

type entry struct {
	subject, body string
	// today is the subject on the deadline's day (a reminder's stage
	// workflow.ReminderToday), when it differs.
	today string
}

type closing struct{ open, signature string }

var texts = map[audit.Lang]closing{
	audit.Polish:  {open: "Otwórz touchaudit", signature: "Wiadomość wysłana automatycznie przez touchaudit."},
	audit.English: {open: "Open touchaudit", signature: "Sent automatically by touchaudit."},
}

var catalogue = map[audit.Lang]map[workflow.NotificationKind]entry{
	audit.Polish: {
		workflow.NotifyAssigned: msg("Nowe zadanie audytowe: {Touchpoint}",
			"Dzień dobry {Name},\n\nprzydzielono Ci nowe zadanie audytowe: {Touchpoint}. Termin: {Due}."),
		workflow.NotifyReminder: entry{subject: "Za 2 dni mija termin audytu: {Touchpoint}", today: "Dziś mija termin audytu: {Touchpoint}",
			body: "Dzień dobry {Name},\n\nprzypominamy o zadaniu audytowym {Touchpoint}. Termin: {Due}."},
		workflow.NotifyOverdue: msg("Minął termin audytu: {Touchpoint}",
			"Dzień dobry {Name},\n\ntermin zadania {Touchpoint} minął. Przedłużyliśmy go do {Due}; jeśli i ten minie, zadanie przejmie inna osoba."),
		workflow.NotifyReassigned: msg("Przejęte zadanie audytowe: {Touchpoint}",
			"Dzień dobry {Name},\n\nprzekazano Ci zadanie audytowe {Touchpoint}, którego nie zdążyła wykonać inna osoba. Termin: {Due}."),
		workflow.NotifyPromiseDue: msg("Czy obietnica została dotrzymana? {Touchpoint}",
			"Dzień dobry {Name},\n\npodczas audytu {Touchpoint} złożono obietnicę, której termin właśnie minął. Daj znać, czy została dotrzymana."),
		workflow.NotifyWalkExpired: msg("Audyt wygasł: {Touchpoint}",
			"Dzień dobry {Name},\n\naudyt {Touchpoint} w przeglądzie {Review} wygasł: {Auditor} dwukrotnie nie zdążył(a) w terminie, a nikt inny nie mógł go przejąć."),
		workflow.NotifyWalkReassigned: msg("Audyt przekazany: {Touchpoint}",
			"Dzień dobry {Name},\n\naudyt {Touchpoint} w przeglądzie {Review} przejął(a) {Auditor}, z terminem {Due}."),
		workflow.NotifyQAWaiting: msg("Kolejka kontroli jakości: {Count} do sprawdzenia",
			"Dzień dobry {Name},\n\nw przeglądzie {Review} na kontrolę jakości czeka audytów: {Count}."),
		workflow.NotifyReviewReady: msg("Raport z przeglądu {Review} jest gotowy",
			"Dzień dobry {Name},\n\nraport z przeglądu {Review} jest gotowy do przeczytania."),
		workflow.NotifyActionOverdue: msg("Działanie po terminie: {Action}",
			"Dzień dobry {Name},\n\ndziałanie naprawcze {Action}{(Touchpoint)} miało termin {Due} i nie zostało zamknięte."),
	},
	audit.English: {
		workflow.NotifyAssigned: msg("New audit assignment: {Touchpoint}",
			"Hello {Name},\n\nyou have a new audit assignment: {Touchpoint}. Due: {Due}."),
		workflow.NotifyReminder: entry{subject: "Your audit is due in 2 days: {Touchpoint}", today: "Your audit is due today: {Touchpoint}",
			body: "Hello {Name},\n\na reminder of your audit assignment {Touchpoint}. Due: {Due}."},
		workflow.NotifyOverdue: msg("Your audit is overdue: {Touchpoint}",
			"Hello {Name},\n\nthe deadline of {Touchpoint} has passed. We extended it to {Due}; if that passes too, the walk goes to someone else."),
		workflow.NotifyReassigned: msg("Audit reassigned to you: {Touchpoint}",
			"Hello {Name},\n\nthe audit {Touchpoint}, which a colleague could not finish in time, is now yours. Due: {Due}."),
		workflow.NotifyPromiseDue: msg("Was the promise kept? {Touchpoint}",
			"Hello {Name},\n\na promise made during your audit of {Touchpoint} has fallen due. Please tell us whether it was kept."),
		workflow.NotifyWalkExpired: msg("A walk expired: {Touchpoint}",
			"Hello {Name},\n\nthe walk of {Touchpoint} in review {Review} expired: {Auditor} missed two deadlines and nobody else could take it."),
		workflow.NotifyWalkReassigned: msg("A walk was reassigned: {Touchpoint}",
			"Hello {Name},\n\nthe walk of {Touchpoint} in review {Review} now belongs to {Auditor}, due {Due}."),
		workflow.NotifyQAWaiting: msg("QA queue: {Count} waiting",
			"Hello {Name},\n\n{Count} walks of review {Review} wait for quality assurance."),
		workflow.NotifyReviewReady: msg("The report of review {Review} is ready",
			"Hello {Name},\n\nthe report of review {Review} is ready to read."),
		workflow.NotifyActionOverdue: msg("Action overdue: {Action}",
			"Hello {Name},\n\nthe improvement action {Action}{(Touchpoint)} was due {Due} and is still open."),
	},
}

func msg(subject, body string) entry { return entry{subject: subject, body: body} }
