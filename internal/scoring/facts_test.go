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
	// Two branch visits disagreeing with each other are listed, not cross-channel.
	same := e.Consistency([]audit.Result{
		factResult("w1", "branch-open", audit.ChannelBranch, "monthly_fee", "12,50 zł"),
		factResult("w2", "branch-open", audit.ChannelBranch, "monthly_fee", "10 zł"),
	})
	if len(same) != 1 || same[0].CrossChannel {
		t.Errorf("same-channel disagreement = %+v", same)
	}
}
