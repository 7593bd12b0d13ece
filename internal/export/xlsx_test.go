package export

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// A workbook written by WriteXLSX reads back with excelize (the library it
// replaced) cell by cell: types, styles, the frozen header, the filter and
// the column widths.
func TestWriteXLSX_ReadsBackWithItsStyles(t *testing.T) {
	due := time.Date(2027, 2, 28, 0, 0, 0, 0, time.UTC)
	at := time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC)
	tables := []Table{{Name: "one", Columns: []Column{{"col.name", Text}, {"col.n", Int}, {"col.x", Number}, {"col.due", Date}, {"col.at", DateTime}, {"col.ok", Bool}},
		Rows: [][]any{
			{`Zażółć <gęślą> & "jaźń"` + "\x01\nwiersz", 7, 0.5, due, at, true},
			{"=1+1", -2, 1.25, nil, nil, false},
		}},
		{Name: "two", Columns: []Column{{"col.name", Text}}, Rows: nil}}
	names := map[string]string{"sheet.one": "Punkty styku", "sheet.two": "Przejścia"}
	in := Input{T: func(k string) string {
		if n, ok := names[k]; ok {
			return n
		}
		return k
	}}
	var b bytes.Buffer
	if err := WriteXLSX(&b, in, tables); err != nil {
		t.Fatal(err)
	}
	wellFormed(t, b.Bytes())
	f, err := excelize.OpenReader(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "Punkty styku,Przejścia" {
		t.Fatalf("sheets %s", got)
	}
	const sheet = "Punkty styku"
	raw := excelize.Options{RawCellValue: true}
	for _, c := range []struct {
		cell, raw, shown string
		typ              excelize.CellType
	}{
		{"A1", "col.name", "col.name", excelize.CellTypeInlineString},
		{"A2", `Zażółć <gęślą> & "jaźń"` + "\nwiersz", `Zażółć <gęślą> & "jaźń"` + "\nwiersz", excelize.CellTypeInlineString},
		{"B2", "7", "7", excelize.CellTypeUnset},
		{"C2", "0.5", "0.50", excelize.CellTypeUnset},
		{"D2", "46446", "2027-02-28", excelize.CellTypeUnset},
		{"E2", "46348.395833333336", "2026-11-22 09:30", excelize.CellTypeUnset},
		{"F2", "1", "TRUE", excelize.CellTypeBool},
		{"A3", "=1+1", "=1+1", excelize.CellTypeInlineString},
		{"B3", "-2", "-2", excelize.CellTypeUnset},
		{"F3", "0", "FALSE", excelize.CellTypeBool},
	} {
		if got, _ := f.GetCellValue(sheet, c.cell, raw); got != c.raw {
			t.Errorf("%s raw %q, want %q", c.cell, got, c.raw)
		}
		if got, _ := f.GetCellValue(sheet, c.cell); got != c.shown {
			t.Errorf("%s shown %q, want %q", c.cell, got, c.shown)
		}
		if got, _ := f.GetCellType(sheet, c.cell); got != c.typ {
			t.Errorf("%s type %v, want %v", c.cell, got, c.typ)
		}
	}
	if f, _ := f.GetCellFormula(sheet, "A3"); f != "" {
		t.Errorf("text starting with = became the formula %q", f)
	}
	when, err := excelize.ExcelDateToTime(46348.395833333336, false)
	if err != nil || when.Sub(at).Abs() > time.Millisecond {
		t.Errorf("the serial of %s reads back as %s (%v)", at, when, err)
	}
	style, err := f.GetCellStyle(sheet, "C1")
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(style)
	if err != nil || st.Font == nil || !st.Font.Bold || st.Fill.Type != "pattern" || st.Fill.Pattern != 1 {
		t.Errorf("the header style %+v (%v), want bold on a solid fill", st, err)
	}
	// excelize reports a fill's colour only through a theme part, which
	// the workbook does not need: read the fill itself.
	if styles := part(t, b.Bytes(), "xl/styles.xml"); !strings.Contains(styles, `<patternFill patternType="solid"><fgColor rgb="FFE8EEF4"/></patternFill>`) {
		t.Errorf("no E8EEF4 fill in styles.xml:\n%s", styles)
	}
	for _, c := range []struct {
		col   string
		width float64
	}{{"A", 28}, {"B", 14}, {"F", 14}} {
		if w, err := f.GetColWidth(sheet, c.col); err != nil || w != c.width {
			t.Errorf("column %s width %v (%v), want %v", c.col, w, err, c.width)
		}
	}
	for _, s := range []string{"Punkty styku", "Przejścia"} {
		panes, err := f.GetPanes(s)
		if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
			t.Errorf("%s: panes %+v (%v), want the header row frozen", s, panes, err)
		}
	}
	if sheet1 := part(t, b.Bytes(), "xl/worksheets/sheet1.xml"); !strings.Contains(sheet1, `<autoFilter ref="A1:F3"/>`) {
		t.Errorf("sheet 1 has no filter over A1:F3:\n%s", sheet1)
	}
	if wb := part(t, b.Bytes(), "xl/workbook.xml"); !strings.Contains(wb, `'Punkty styku'!$A$1:$F$3`) {
		t.Errorf("the workbook names no filter range:\n%s", wb)
	}
}

func TestWriteXLSX_RefusesWhatExcelCannotHold(t *testing.T) {
	one := []Column{{"col.name", Text}}
	for name, c := range map[string]struct {
		sheet string
		row   []any
		want  string
	}{
		"sheet name with a slash": {"a/b", []any{"x"}, `contains one of`},
		"sheet name too long":     {strings.Repeat("x", 32), []any{"x"}, "longer than 31"},
		"a cell of another type":  {"ok", []any{int64(1)}, "a cell of type int64"},
		"a short row":             {"ok", []any{}, "has 0 cells for 1 columns"},
	} {
		t.Run(name, func(t *testing.T) {
			in := Input{T: func(string) string { return c.sheet }}
			err := WriteXLSX(io.Discard, in, []Table{{Name: "one", Columns: one, Rows: [][]any{c.row}}})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v, want %q", err, c.want)
			}
		})
	}
}

func TestCellName(t *testing.T) {
	for c, want := range map[int]string{0: "A1", 25: "Z1", 26: "AA1", 51: "AZ1", 52: "BA1", 701: "ZZ1", 702: "AAA1"} {
		if got := cellName(c, 1); got != want {
			t.Errorf("cellName(%d, 1) = %s, want %s", c, got, want)
		}
	}
}

func part(t *testing.T, b []byte, name string) string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := z.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	body, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return string(body)
}

// wellFormed parses every part of the package as XML.
func wellFormed(t *testing.T, b []byte) {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range z.File {
		d := xml.NewDecoder(strings.NewReader(part(t, b, zf.Name)))
		for {
			_, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s is not well-formed XML: %v", zf.Name, err)
			}
		}
	}
}
