package scoring

import (
	"testing"

	"touchaudit/internal/audit"
)

func TestNormalizeFact(t *testing.T) {
	cases := []struct {
		kind audit.FactKind
		in   string
		want string
	}{
		{audit.FactMoney, "12,50 zł", "12.5 PLN"},
		{audit.FactMoney, "12.50 PLN", "12.5 PLN"},
		{audit.FactMoney, "12.5", "12.5 PLN"},
		{audit.FactMoney, "  12,50\u00a0ZŁ ", "12.5 PLN"},
		{audit.FactMoney, "15 złotych", "15 PLN"},
		{audit.FactMoney, "9 zł miesięcznie", "9 PLN"},
		{audit.FactMoney, "1 000,00 zł", "1000 PLN"},
		{audit.FactMoney, "1.000,00 zł", "1000 PLN"},
		{audit.FactMoney, "1,000.00 PLN", "1000 PLN"},
		{audit.FactMoney, "bezpłatnie", "0 PLN"},
		{audit.FactMoney, "Za darmo!", "0 PLN"},
		{audit.FactMoney, "12,50 EUR", "12.5 EUR"},
		{audit.FactMoney, "€12.50", "12.5 EUR"},
		{audit.FactNumber, "7 dni roboczych", "7"},
		{audit.FactNumber, "13,99 %", "13.99"},
		{audit.FactNumber, "RRSO 13.99%", "13.99"},
		{audit.FactNumber, "-2", "-2"},
		{audit.FactText, "  Do  Końca   Miesiąca. ", "do końca miesiąca"},
		{audit.FactNumber, "nie wiem", "nie wiem"},
		// The same monthly fee, as auditors write it down.
		{audit.FactMoney, "9,00 zł", "9 PLN"},
		{audit.FactMoney, "9 PLN", "9 PLN"},
		{audit.FactMoney, "9.00", "9 PLN"},
		{audit.FactMoney, " 9 ZŁ ", "9 PLN"},
		{audit.FactMoney, "9zł", "9 PLN"},
		{audit.FactMoney, "9,- zł", "9 PLN"},
		{audit.FactMoney, "PLN 9", "9 PLN"},
		{audit.FactMoney, "dziewięć", "9 PLN"},
		{audit.FactMoney, "dziewięć złotych", "9 PLN"},
		{audit.FactMoney, "Dziewiec zl", "9 PLN"},
		{audit.FactMoney, "nine zloty", "9 PLN"},
		{audit.FactMoney, "piętnaście złotych", "15 PLN"},
		{audit.FactMoney, "tysiąc dwieście złotych", "1200 PLN"},
		{audit.FactMoney, "zero złotych", "0 PLN"},
		{audit.FactMoney, "9 EUR", "9 EUR"},
		// Day counts and percentages.
		{audit.FactNumber, "2 dni robocze", "2"},
		{audit.FactNumber, "2", "2"},
		{audit.FactNumber, "dwa dni robocze", "2"},
		{audit.FactNumber, "do dwóch dni roboczych", "2"},
		{audit.FactNumber, "two working days", "2"},
		{audit.FactNumber, "czternaście dni", "14"},
		{audit.FactNumber, "dwadzieścia pięć", "25"},
		{audit.FactNumber, "one hundred and five", "105"},
		{audit.FactNumber, "13,99%", "13.99"},
		{audit.FactNumber, "13,99 proc.", "13.99"},
		{audit.FactNumber, "3 dni", "3"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			if got := NormalizeFact(c.kind, c.in); got != c.want {
				t.Errorf("NormalizeFact(%s, %q) = %q, want %q", c.kind, c.in, got, c.want)
			}
		})
	}
}

func factResult(id, tp string, ch audit.Channel, key, value string) audit.Result {
	return audit.Result{ID: id, WalkthroughID: id, TouchpointID: tp, Channel: ch, Facts: []audit.FactRecord{{Key: key, Value: value, Channel: ch}}}
}

func TestConsistency_ListsDisagreementsWithChannelAndValue(t *testing.T) {
	e := testEngine(t)
	rs := []audit.Result{
		factResult("w1", "branch-open", audit.ChannelBranch, "monthly_fee", "12,50 zł"),
		factResult("w2", "app-card", audit.ChannelMobileApp, "monthly_fee", "12.50 PLN"),
		factResult("w3", "app-card", audit.ChannelMobileApp, "monthly_fee", "12.5"),
	}
	if got := e.Consistency(rs); len(got) != 0 {
		t.Fatalf("equal values after normalising reported: %+v", got)
	}
	rs = append(rs, factResult("w4", "branch-open", audit.ChannelBranch, "monthly_fee", "15 zł"))
	got := e.Consistency(rs)
	if len(got) != 1 {
		t.Fatalf("got %d inconsistencies, want 1", len(got))
	}
	in := got[0]
	if in.Key != "monthly_fee" || !in.CrossChannel || len(in.Values) != 4 || len(in.Channels) != 2 {
		t.Errorf("inconsistency = %+v", in)
	}
	if in.Values[0].Normalized != "12.5 PLN" || in.Values[3].Value != "15 zł" || in.Values[3].Channel != audit.ChannelBranch {
		t.Errorf("values = %+v", in.Values)
	}
	// The monthly account fee as four channels state it: one value.
	fee := e.Consistency([]audit.Result{
		factResult("w1", "ivr-hotline", audit.ChannelIVR, "monthly_fee", "9,00 zł"),
		factResult("w2", "branch-open", audit.ChannelBranch, "monthly_fee", " 9 ZŁ "),
		factResult("w3", "app-card", audit.ChannelMobileApp, "monthly_fee", "9 PLN"),
		factResult("w4", "app-card", audit.ChannelChat, "monthly_fee", "dziewięć złotych"),
		factResult("w5", "app-card", audit.ChannelEmail, "monthly_fee", "9.00"),
	})
	if len(fee) != 0 {
		t.Errorf("the same fee reported as inconsistent: %+v", fee)
	}
	// An undeclared day count: "2 dni robocze" = "2" = "dwa dni"; "3 dni" differs.
	days := e.Consistency([]audit.Result{
		factResult("w1", "ivr-hotline", audit.ChannelIVR, "decision_days", "2 dni robocze"),
		factResult("w2", "branch-open", audit.ChannelBranch, "decision_days", "2"),
		factResult("w3", "app-card", audit.ChannelChat, "decision_days", "dwa dni"),
		factResult("w4", "app-card", audit.ChannelMobileApp, "decision_days", "3 dni"),
	})
	if len(days) != 1 || len(days[0].Values) != 4 || !days[0].CrossChannel || days[0].Values[3].Channel != audit.ChannelMobileApp || days[0].Values[3].Normalized != "3" || days[0].Kind != audit.FactNumber {
		t.Errorf("day counts = %+v", days)
	}
	// Two branch visits disagreeing with each other are listed, not cross-channel.
	same := e.Consistency([]audit.Result{
		factResult("w1", "branch-open", audit.ChannelBranch, "monthly_fee", "12,50 zł"),
		factResult("w2", "branch-open", audit.ChannelBranch, "monthly_fee", "10 zł"),
	})
	if len(same) != 1 || same[0].CrossChannel {
		t.Errorf("same-channel disagreement = %+v", same)
	}
}
