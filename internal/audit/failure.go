package audit

import "strings"

// FailureLabel words an assignment's recorded failure for the people who
// read it in the form or the console. The recorded text may hold a Lambda
// error envelope (error type, message, stack trace) and stays on the
// server; only these words leave it.
func FailureLabel(failure string) Label {
	switch {
	case failure == "":
		return Label{}
	case strings.HasPrefix(failure, "review window closed"):
		return Label{EN: "The review closed before this walk was submitted.", PL: "Przegląd zakończył się, zanim ten spacer został wysłany."}
	case strings.HasPrefix(failure, "no other eligible auditor"):
		return Label{EN: "The deadline was missed twice and nobody else could take this walk.", PL: "Termin minął dwukrotnie i nikt inny nie mógł przejąć tego spaceru."}
	case strings.HasPrefix(failure, "unstaffed"):
		return Label{EN: "No eligible auditor could be assigned to this walk.", PL: "Do tego spaceru nie można było przydzielić żadnego audytora."}
	}
	return Label{EN: "The workflow could not finish this walk. Your CX lead has been told and can see why.", PL: "Proces nie mógł zakończyć tego spaceru. Twój lider CX został powiadomiony i widzi przyczynę."}
}
