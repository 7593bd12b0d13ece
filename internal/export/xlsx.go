package export

import (
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"
)

// Number formats of typed cells (Excel custom formats).
const (
	dateFormat     = "yyyy-mm-dd"
	dateTimeFormat = "yyyy-mm-dd hh:mm"
	decimalFormat  = "0.00"
)

// WriteXLSX writes the tables as one workbook, a sheet each, named by the
// catalogue ("sheet.<name>"): a bold header row frozen in place, numbers as
// numbers, dates as dates (UTC), yes/no as booleans, and an autofilter.
func WriteXLSX(w io.Writer, in Input, tables []Table) error {
	f := excelize.NewFile()
	defer f.Close()
	styles, err := newStyles(f)
	if err != nil {
		return err
	}
	for i, t := range tables {
		sheet := in.t("sheet." + t.Name)
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sheet); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(sheet); err != nil {
			return err
		}
		if err := writeSheet(f, sheet, in, t, styles); err != nil {
			return fmt.Errorf("sheet %s: %w", t.Name, err)
		}
	}
	f.SetActiveSheet(0)
	_, err = f.WriteTo(w)
	return err
}

type styles struct{ header, date, dateTime, decimal int }

func newStyles(f *excelize.File) (styles, error) {
	var s styles
	var err error
	custom := func(format string) (int, error) {
		return f.NewStyle(&excelize.Style{CustomNumFmt: &format})
	}
	if s.header, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8EEF4"}}}); err != nil {
		return s, err
	}
	if s.date, err = custom(dateFormat); err != nil {
		return s, err
	}
	if s.dateTime, err = custom(dateTimeFormat); err != nil {
		return s, err
	}
	s.decimal, err = custom(decimalFormat)
	return s, err
}

func writeSheet(f *excelize.File, sheet string, in Input, t Table, st styles) error {
	for c, col := range t.Columns {
		cell, _ := excelize.CoordinatesToCellName(c+1, 1)
		if err := f.SetCellStr(sheet, cell, in.t(col.Key)); err != nil {
			return err
		}
	}
	last, _ := excelize.CoordinatesToCellName(len(t.Columns), 1)
	if err := f.SetCellStyle(sheet, "A1", last, st.header); err != nil {
		return err
	}
	for r, row := range t.Rows {
		for c, col := range t.Columns {
			v := row[c]
			if v == nil {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(c+1, r+2)
			var err error
			switch x := v.(type) {
			case string:
				err = f.SetCellStr(sheet, cell, x)
			case time.Time:
				// A date is a serial number with a date format.
				if err = f.SetCellValue(sheet, cell, x); err == nil {
					style := st.dateTime
					if col.Kind == Date {
						style = st.date
					}
					err = f.SetCellStyle(sheet, cell, cell, style)
				}
			case float64:
				if err = f.SetCellFloat(sheet, cell, x, -1, 64); err == nil {
					err = f.SetCellStyle(sheet, cell, cell, st.decimal)
				}
			default:
				err = f.SetCellValue(sheet, cell, x)
			}
			if err != nil {
				return err
			}
		}
	}
	for c, col := range t.Columns {
		name, _ := excelize.ColumnNumberToName(c + 1)
		width := 14.0
		if col.Kind == Text {
			width = 28
		}
		if err := f.SetColWidth(sheet, name, name, width); err != nil {
			return err
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	end, _ := excelize.CoordinatesToCellName(len(t.Columns), len(t.Rows)+1)
	return f.AutoFilter(sheet, "A1:"+end, nil)
}
