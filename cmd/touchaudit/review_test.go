package main

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

func TestReviewStart_ParsesFlags(t *testing.T) {
	req, err := parseReviewStart([]string{"--company", "bank-pl", "--opens", "2027-05-03T08:00:00Z", "--journeys", "account-opening, complaint", "--walks", "3"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if req.CompanyID != "bank-pl" || req.Opens == nil || req.Opens.Year() != 2027 || len(req.Scope.Journeys) != 2 || req.Scope.Journeys[1] != "complaint" || req.Scope.WalksPerTouchpoint != 3 {
		t.Fatalf("parsed %+v", req)
	}
}

func TestReviewStart_BadInputNamesTheProblem(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"start"}, "--company is required"},
		{[]string{"start", "--company", "bank-pl", "--opens", "tomorrow"}, `--opens: "tomorrow"`},
		{[]string{"stop"}, "usage: touchaudit review start"},
	} {
		var stderr bytes.Buffer
		if code := run(append([]string{"review"}, c.args...), io.Discard, &stderr); code != 2 || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("review %v: exit %d, stderr %q; want 2 and %q", c.args, code, stderr.String(), c.want)
		}
	}
}
