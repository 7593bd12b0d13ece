package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"touchaudit/internal/audit"
)

// bom starts every CSV file: without it Excel reads UTF-8 as the system's
// code page and ą, ł, ż come out garbled.
const bom = "\ufeff"

// CSVSeparator is ';', the list separator of Polish (and most European)
// Excel: a file opened by double-click splits into columns, and a decimal
// comma inside a number needs no quoting. Any field holding ';', '"' or a
// line break is quoted (encoding/csv).
const CSVSeparator = ';'

// WriteCSV writes one table with translated headers. Decimals use the
// language's decimal mark (a comma in Polish), dates are ISO 8601
// (2026-11-03, 2026-11-03 09:12), yes/no are words of the catalogue, and
// text that a spreadsheet would run as a formula (=, +, -, @) is prefixed
// with an apostrophe.
func WriteCSV(w io.Writer, in Input, t Table) error {
	if _, err := io.WriteString(w, bom); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = CSVSeparator
	cw.UseCRLF = true // what Excel writes and expects
	head := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		head[i] = in.t(c.Key)
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	rec := make([]string, len(t.Columns))
	for _, row := range t.Rows {
		for i, c := range t.Columns {
			rec[i] = csvCell(in, c.Kind, row[i])
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func csvCell(in Input, k Kind, v any) string {
	if v == nil {
		return ""
	}
	switch x := v.(type) {
	case string:
		return Defused(x)
	case int:
		return strconv.Itoa(x)
	case float64:
		s := strconv.FormatFloat(x, 'f', -1, 64)
		if in.Lang == audit.Polish {
			s = strings.Replace(s, ".", ",", 1)
		}
		return s
	case bool:
		if x {
			return in.t("yes")
		}
		return in.t("no")
	case time.Time:
		if k == Date {
			return x.Format(time.DateOnly)
		}
		return x.Format("2006-01-02 15:04")
	}
	return Defused(fmt.Sprint(v))
}

// Defused keeps a spreadsheet from running text as a formula ("CSV
// injection"): text starting with =, +, -, @, a tab or a carriage return
// gets a leading apostrophe. Numbers are never text here, so −2 stays a number.
func Defused(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
