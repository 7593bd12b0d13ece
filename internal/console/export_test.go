package console_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"touchaudit/internal/audit"
	"touchaudit/internal/console"
	"touchaudit/internal/export"
	"touchaudit/internal/workflow"
)

// readCSV checks the BOM and reads the file back as Excel would split it.
func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("\ufeff")) {
		t.Fatalf("CSV does not start with the UTF-8 BOM: % x", b[:min(8, len(b))])
	}
	r := csv.NewReader(bytes.NewReader(b[3:]))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func column(t *testing.T, head []string, name string) int {
	t.Helper()
	for i, h := range head {
		if h == name {
			return i
		}
	}
	t.Fatalf("no column %q in %q", name, head)
	return -1
}

func TestExportCSV_RoundTripsTheReport(t *testing.T) {
	store, c := seeded(t)
	rep := sampleReport(t, store)
	for _, lang := range console.Languages {
		t.Run(string(lang), func(t *testing.T) {
			d, err := c.Export(context.Background(), lead(lang), console.SampleCurrent, "csv", "")
			if err != nil {
				t.Fatal(err)
			}
			if d.ContentType != "text/csv; charset=utf-8" || d.Filename != "rv-2026-h2-touchpoints.csv" {
				t.Errorf("content type %q, file %q", d.ContentType, d.Filename)
			}
			rows := readCSV(t, d.Body)
			if len(rows) != 1+39 {
				t.Fatalf("%d rows, want a header and 39 touchpoints", len(rows))
			}
			head := rows[0]
			name := column(t, head, c.T(lang, "col.touchpoint"))
			median := column(t, head, c.T(lang, "col.median"))
			reach := column(t, head, c.T(lang, "col.reach"))
			for i, tp := range rep.Touchpoints {
				row := rows[i+1]
				if row[name] != tp.Name.In(lang) {
					t.Errorf("row %d name %q, want %q", i+1, row[name], tp.Name.In(lang))
				}
				if row[median] != strconv.Itoa(int(tp.Median)) {
					t.Errorf("%s median %q, want %d", tp.TouchpointID, row[median], tp.Median)
				}
				want := strconv.FormatFloat(tp.Reach, 'f', -1, 64)
				if lang == audit.Polish {
					want = strings.Replace(want, ".", ",", 1)
				}
				if row[reach] != want {
					t.Errorf("%s reach %q, want %q", tp.TouchpointID, row[reach], want)
				}
			}
		})
	}
}

func TestExportCSV_Tables(t *testing.T) {
	_, c := seeded(t)
	cases := []struct {
		table string
		rows  int
	}{
		{"touchpoints", 39},
		{"walks", 42},
		{"recommendations", 0}, // counted from the report below
		{"actions", 0},         // none yet in the sample
	}
	store, _ := seeded(t)
	rep := sampleReport(t, store)
	cases[2].rows = len(rep.Recommendations.Fixes) + len(rep.Recommendations.Differentiators)
	for _, tc := range cases {
		t.Run(tc.table, func(t *testing.T) {
			d, err := c.Export(context.Background(), lead(audit.Polish), console.SampleCurrent, "csv", tc.table)
			if err != nil {
				t.Fatal(err)
			}
			if rows := readCSV(t, d.Body); len(rows)-1 != tc.rows {
				t.Fatalf("%d data rows, want %d", len(rows)-1, tc.rows)
			}
		})
	}
	_, err := c.Export(context.Background(), lead(audit.Polish), console.SampleCurrent, "csv", "nope")
	if audit.ErrorCodeOf(err) != audit.Invalid {
		t.Fatalf("unknown table: %v, want invalid", err)
	}
	_, err = c.Export(context.Background(), lead(audit.Polish), console.SampleRunning, "csv", "")
	if audit.ErrorCodeOf(err) != audit.NotFound {
		t.Fatalf("export before the report: %v, want not found", err)
	}
}

func TestExportCSV_QuotesAndDefusesText(t *testing.T) {
	in := export.Input{Lang: audit.Polish}
	tb := export.Table{Columns: []export.Column{{Key: "a", Kind: export.Text}, {Key: "b", Kind: export.Int}, {Key: "c", Kind: export.Number}},
		Rows: [][]any{{`Zażółć; "gęślą" jaźń`, -2, 0.5}, {"=HYPERLINK(\"x\")", 2, nil}, {"wiersz\ndrugi", 0, 1.25}}}
	var b bytes.Buffer
	if err := export.WriteCSV(&b, in, tb); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, b.Bytes())
	want := [][]string{{"a", "b", "c"}, {`Zażółć; "gęślą" jaźń`, "-2", "0,5"}, {`'=HYPERLINK("x")`, "2", ""}, {"wiersz\ndrugi", "0", "1,25"}}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d = %q, want %q", i, rows[i], want[i])
		}
	}
	if !strings.Contains(b.String(), "\"Zażółć; \"\"gęślą\"\" jaźń\";-2;0,5\r\n") {
		t.Errorf("the ; and quotes are not quoted as Excel expects:\n%s", b.String())
	}
}

func TestExportXLSX_TypedCellsAndFrozenHeader(t *testing.T) {
	store, c := seeded(t)
	rep := sampleReport(t, store)
	d, err := c.Export(context.Background(), lead(audit.Polish), console.SampleCurrent, "xlsx", "")
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(d.Body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "Punkty styku,Przejścia,Rekomendacje,Działania" {
		t.Fatalf("sheets = %s", got)
	}
	for _, sheet := range f.GetSheetList() {
		panes, err := f.GetPanes(sheet)
		if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
			t.Errorf("%s: panes %+v (%v), want the header row frozen", sheet, panes, err)
		}
	}
	const sheet = "Punkty styku"
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	head := rows[0]
	name, median, reach, due := column(t, head, "Punkt styku"), column(t, head, "Mediana"), column(t, head, "Zasięg"), column(t, head, "Następna weryfikacja")
	raw := excelize.Options{RawCellValue: true}
	for i, tp := range rep.Touchpoints {
		r := i + 2
		cell := func(col int) string {
			n, _ := excelize.CoordinatesToCellName(col+1, r)
			return n
		}
		if got, _ := f.GetCellValue(sheet, cell(name)); got != tp.Name.PL {
			t.Errorf("row %d name %q, want %q", r, got, tp.Name.PL)
		}
		if got, _ := f.GetCellValue(sheet, cell(median), raw); got != strconv.Itoa(int(tp.Median)) {
			t.Errorf("%s median %q, want %d", tp.TouchpointID, got, tp.Median)
		}
		if ty, _ := f.GetCellType(sheet, cell(median)); ty == excelize.CellTypeSharedString || ty == excelize.CellTypeInlineString {
			t.Errorf("%s median is stored as text", tp.TouchpointID)
		}
		got, _ := f.GetCellValue(sheet, cell(reach), raw)
		if v, err := strconv.ParseFloat(got, 64); err != nil || math.Abs(v-tp.Reach) > 1e-9 {
			t.Errorf("%s reach %q, want the number %v", tp.TouchpointID, got, tp.Reach)
		}
		got, _ = f.GetCellValue(sheet, cell(due), raw)
		serial, err := strconv.ParseFloat(got, 64)
		if err != nil {
			t.Fatalf("%s next due %q is not a date serial", tp.TouchpointID, got)
		}
		when, err := excelize.ExcelDateToTime(serial, false)
		if err != nil || !when.Equal(tp.NextDue.UTC().Truncate(time.Millisecond)) && when.Sub(tp.NextDue).Abs() > time.Second {
			t.Errorf("%s next due %v, want %v", tp.TouchpointID, when, tp.NextDue)
		}
		shown, _ := f.GetCellValue(sheet, cell(due))
		if shown != tp.NextDue.UTC().Format(time.DateOnly) {
			t.Errorf("%s next due shown as %q, want %s", tp.TouchpointID, shown, tp.NextDue.UTC().Format(time.DateOnly))
		}
	}
	walks, _ := f.GetRows("Przejścia")
	if len(walks) != 1+42 {
		t.Errorf("walks sheet has %d rows, want 43", len(walks))
	}
}

// TestExportActions_RoundTrip reads the actions back from the CSV and the
// XLSX: the action from a walk of the review and the one from its report's
// recommendation, with their typed cells; an action of another review's
// walk is left out.
func TestExportActions_RoundTrip(t *testing.T) {
	store, c := seeded(t)
	fromWalk, fromRec := withActions(t, store)
	ctx := context.Background()
	other, err := newWorkflow(store).Actions.Create(ctx, workflow.NewAction{CompanyID: bank, ID: "act-running", ResultID: queuedMinus2,
		What: "Otwarcie drugiego stanowiska w porze lunchu", Owner: audit.ActionOwner{Unit: "br-gdn-grunwaldzka", Person: "s-001"},
		Due: audit.MustDate("2027-02-28"), Cost: audit.Money{Amount: 0, Currency: "PLN"}, Actor: "s-001"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]*audit.Action{}
	for _, id := range []string{fromWalk, fromRec} {
		a, err := store.GetAction(ctx, bank, id)
		if err != nil {
			t.Fatal(err)
		}
		want[id] = a
	}
	for _, lang := range console.Languages {
		t.Run("csv-"+string(lang), func(t *testing.T) {
			d, err := c.Export(ctx, lead(lang), console.SampleCurrent, "csv", "actions")
			if err != nil {
				t.Fatal(err)
			}
			if d.Filename != "rv-2026-h2-actions.csv" {
				t.Errorf("file %q", d.Filename)
			}
			rows := readCSV(t, d.Body)
			head := rows[0]
			id, what, due, cost, status, overdue, source := column(t, head, c.T(lang, "col.actionId")), column(t, head, c.T(lang, "col.what")),
				column(t, head, c.T(lang, "col.due")), column(t, head, c.T(lang, "col.actionCost")), column(t, head, c.T(lang, "col.status")),
				column(t, head, c.T(lang, "col.overdue")), column(t, head, c.T(lang, "col.source"))
			got := map[string][]string{}
			for _, r := range rows[1:] {
				got[r[id]] = r
			}
			if len(got) != 2 || got[other.ID] != nil {
				t.Fatalf("actions exported %v, want %s and %s only", rows[1:], fromWalk, fromRec)
			}
			for aid, a := range want {
				r := got[aid]
				amount := strconv.FormatFloat(a.Cost.Amount, 'f', -1, 64)
				if lang == audit.Polish {
					amount = strings.Replace(amount, ".", ",", 1)
				}
				late := c.T(lang, map[bool]string{true: "yes", false: "no"}[a.Overdue(now)])
				src := a.Source.ResultID + a.Source.ReviewID
				if r[what] != a.What || r[due] != a.Due.String() || r[cost] != amount || r[status] != c.T(lang, "action."+string(a.Status)) || r[overdue] != late || r[source] != src {
					t.Errorf("%s: row %q, want %s, due %s, cost %s, status %s, overdue %s, source %s", aid, r, a.What, a.Due, amount, a.Status, late, src)
				}
			}
		})
	}
	t.Run("xlsx", func(t *testing.T) {
		d, err := c.Export(ctx, lead(audit.English), console.SampleCurrent, "xlsx", "")
		if err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(bytes.NewReader(d.Body))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		const sheet = "Actions"
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3 {
			t.Fatalf("the Actions sheet has %d rows, want a header and 2 actions", len(rows))
		}
		head := rows[0]
		idc, valc, duec, costc, overc := column(t, head, "Action"), column(t, head, "Valuation"), column(t, head, "Due"), column(t, head, "Cost"), column(t, head, "Overdue")
		raw := excelize.Options{RawCellValue: true}
		for r := 2; r <= 3; r++ {
			cell := func(col int) string { n, _ := excelize.CoordinatesToCellName(col+1, r); return n }
			aid, _ := f.GetCellValue(sheet, cell(idc))
			a := want[aid]
			if a == nil {
				t.Fatalf("row %d is action %q, not one of the review's", r, aid)
			}
			if got, _ := f.GetCellValue(sheet, cell(valc), raw); got != strconv.Itoa(int(a.Valuation)) {
				t.Errorf("%s valuation %q, want %d", aid, got, a.Valuation)
			}
			if ty, _ := f.GetCellType(sheet, cell(valc)); ty == excelize.CellTypeSharedString || ty == excelize.CellTypeInlineString {
				t.Errorf("%s valuation is stored as text", aid)
			}
			got, _ := f.GetCellValue(sheet, cell(costc), raw)
			if v, err := strconv.ParseFloat(got, 64); err != nil || v != a.Cost.Amount {
				t.Errorf("%s cost %q, want the number %v", aid, got, a.Cost.Amount)
			}
			got, _ = f.GetCellValue(sheet, cell(duec), raw)
			serial, err := strconv.ParseFloat(got, 64)
			if err != nil {
				t.Fatalf("%s due %q is not a date serial", aid, got)
			}
			if when, err := excelize.ExcelDateToTime(serial, false); err != nil || !when.Equal(a.Due.Time()) {
				t.Errorf("%s due %v, want %v", aid, when, a.Due)
			}
			if shown, _ := f.GetCellValue(sheet, cell(duec)); shown != a.Due.String() {
				t.Errorf("%s due shown as %q", aid, shown)
			}
			if ty, _ := f.GetCellType(sheet, cell(overc)); ty != excelize.CellTypeBool {
				t.Errorf("%s overdue is not a boolean cell (%v)", aid, ty)
			}
			if got, _ := f.GetCellValue(sheet, cell(overc), raw); got != map[bool]string{true: "1", false: "0"}[a.Overdue(now)] {
				t.Errorf("%s overdue %q, want %v", aid, got, a.Overdue(now))
			}
		}
	})
}
