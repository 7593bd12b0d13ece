package export

import (
	"archive/zip"
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The workbook is written here as SpreadsheetML (ECMA-376, the parts Excel,
// LibreOffice and Numbers need), not with a spreadsheet library: the one
// used before (excelize) added about 2.4 MB to the console function and,
// through reflection over methods, kept every AWS SDK client method in it
// (README "Measured"). The tests read the files back with excelize.

// Number formats of typed cells (Excel custom formats), and their ids in
// styles.xml (custom formats start at 164).
const (
	dateFormat     = "yyyy-mm-dd"
	dateTimeFormat = "yyyy-mm-dd hh:mm"
	decimalFormat  = "0.00"
)

// Cell styles (cellXfs in styles.xml, by index).
const (
	styleDefault = iota
	styleHeader
	styleDate
	styleDateTime
	styleDecimal
)

// Column widths in characters: text columns are wider.
const (
	widthText  = 28
	widthOther = 14
)

// maxSheetName is Excel's limit on a sheet's name.
const maxSheetName = 31

// WriteXLSX writes the tables as one workbook, a sheet each, named by the
// catalogue ("sheet.<name>"): a bold header row frozen in place, numbers as
// numbers, dates as dates (UTC), yes/no as booleans, and an autofilter.
func WriteXLSX(w io.Writer, in Input, tables []Table) error {
	names := make([]string, len(tables))
	for i, t := range tables {
		names[i] = in.t("sheet." + t.Name)
		if err := checkSheetName(names[i]); err != nil {
			return fmt.Errorf("sheet %s: %w", t.Name, err)
		}
	}
	z := zip.NewWriter(w)
	parts := []struct {
		name string
		body func(*bufio.Writer) error
	}{
		{"[Content_Types].xml", func(b *bufio.Writer) error { return contentTypesXML(b, len(tables)) }},
		{"_rels/.rels", func(b *bufio.Writer) error { _, err := b.WriteString(rootRels); return err }},
		{"xl/workbook.xml", func(b *bufio.Writer) error { return workbookXML(b, names, tables) }},
		{"xl/_rels/workbook.xml.rels", func(b *bufio.Writer) error { return workbookRels(b, len(tables)) }},
		{"xl/styles.xml", func(b *bufio.Writer) error { _, err := b.WriteString(stylesXML); return err }},
	}
	for i, t := range tables {
		parts = append(parts, struct {
			name string
			body func(*bufio.Writer) error
		}{fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1), func(b *bufio.Writer) error { return sheetXML(b, in, t) }})
	}
	for _, p := range parts {
		f, err := z.Create(p.name)
		if err != nil {
			return err
		}
		b := bufio.NewWriter(f)
		if err := p.body(b); err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		if err := b.Flush(); err != nil {
			return err
		}
	}
	return z.Close()
}

func checkSheetName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("empty sheet name")
	case utf8.RuneCountInString(name) > maxSheetName:
		return fmt.Errorf("sheet name %q is longer than %d characters", name, maxSheetName)
	case strings.ContainsAny(name, `[]:*?/\`):
		return fmt.Errorf("sheet name %q contains one of []:*?/\\", name)
	}
	return nil
}

const xmlHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

const rootRels = xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
	`</Relationships>`

func contentTypesXML(b *bufio.Writer, sheets int) error {
	b.WriteString(xmlHeader + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
		`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>`)
	for i := 1; i <= sheets; i++ {
		fmt.Fprintf(b, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, i)
	}
	_, err := b.WriteString(`</Types>`)
	return err
}

func workbookXML(b *bufio.Writer, names []string, tables []Table) error {
	b.WriteString(xmlHeader + `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
		`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
		`<bookViews><workbookView activeTab="0"/></bookViews><sheets>`)
	for i, n := range names {
		fmt.Fprintf(b, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, escape(n), i+1, i+1)
	}
	b.WriteString(`</sheets><definedNames>`)
	// Excel keeps each sheet's autofilter range as this hidden name.
	for i, t := range tables {
		fmt.Fprintf(b, `<definedName name="_xlnm._FilterDatabase" localSheetId="%d" hidden="1">'%s'!%s</definedName>`,
			i, escape(strings.ReplaceAll(names[i], "'", "''")), absolute(filterRange(t)))
	}
	_, err := b.WriteString(`</definedNames></workbook>`)
	return err
}

func workbookRels(b *bufio.Writer, sheets int) error {
	b.WriteString(xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	for i := 1; i <= sheets; i++ {
		fmt.Fprintf(b, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, i, i)
	}
	fmt.Fprintf(b, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>`, sheets+1)
	_, err := b.WriteString(`</Relationships>`)
	return err
}

// stylesXML: the custom number formats, a regular and a bold font, the
// header's fill, and the cell styles in the order of the style constants.
const stylesXML = xmlHeader + `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
	`<numFmts count="3">` +
	`<numFmt numFmtId="164" formatCode="` + dateFormat + `"/>` +
	`<numFmt numFmtId="165" formatCode="` + dateTimeFormat + `"/>` +
	`<numFmt numFmtId="166" formatCode="` + decimalFormat + `"/>` +
	`</numFmts>` +
	`<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>` +
	`<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>` +
	`<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>` +
	`<fill><patternFill patternType="solid"><fgColor rgb="FFE8EEF4"/></patternFill></fill></fills>` +
	`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
	`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
	`<cellXfs count="5">` +
	`<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
	`<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>` +
	`<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`</cellXfs>` +
	`<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>` +
	`</styleSheet>`

// filterRange is the header and every row, over every column.
func filterRange(t Table) string {
	return "A1:" + cellName(len(t.Columns)-1, len(t.Rows)+1)
}

// absolute turns A1:C3 into $A$1:$C$3.
func absolute(ref string) string {
	var out strings.Builder
	for i, part := range strings.Split(ref, ":") {
		if i > 0 {
			out.WriteByte(':')
		}
		digits := strings.IndexAny(part, "0123456789")
		out.WriteString("$" + part[:digits] + "$" + part[digits:])
	}
	return out.String()
}

func sheetXML(b *bufio.Writer, in Input, t Table) error {
	if len(t.Columns) == 0 {
		return fmt.Errorf("no columns")
	}
	b.WriteString(xmlHeader + `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
		`<sheetViews><sheetView workbookViewId="0">` +
		`<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>` +
		`<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>` +
		`</sheetView></sheetViews><cols>`)
	for c, col := range t.Columns {
		width := widthOther
		if col.Kind == Text {
			width = widthText
		}
		fmt.Fprintf(b, `<col min="%d" max="%d" width="%d" customWidth="1"/>`, c+1, c+1, width)
	}
	b.WriteString(`</cols><sheetData><row r="1">`)
	for c, col := range t.Columns {
		textCell(b, cellName(c, 1), in.t(col.Key), styleHeader)
	}
	b.WriteString(`</row>`)
	for r, row := range t.Rows {
		if len(row) != len(t.Columns) {
			return fmt.Errorf("row %d has %d cells for %d columns", r+1, len(row), len(t.Columns))
		}
		fmt.Fprintf(b, `<row r="%d">`, r+2)
		for c, v := range row {
			if err := valueCell(b, cellName(c, r+2), t.Columns[c].Kind, v); err != nil {
				return fmt.Errorf("row %d, column %s: %w", r+1, t.Columns[c].Key, err)
			}
		}
		b.WriteString(`</row>`)
	}
	fmt.Fprintf(b, `</sheetData><autoFilter ref="%s"/></worksheet>`, filterRange(t))
	return nil
}

func valueCell(b *bufio.Writer, ref string, kind Kind, v any) error {
	switch x := v.(type) {
	case nil:
		// An empty cell is no cell.
	case string:
		textCell(b, ref, x, styleDefault)
	case int:
		fmt.Fprintf(b, `<c r="%s"><v>%d</v></c>`, ref, x)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("%v is no number a spreadsheet holds", x)
		}
		fmt.Fprintf(b, `<c r="%s" s="%d"><v>%s</v></c>`, ref, styleDecimal, strconv.FormatFloat(x, 'f', -1, 64))
	case bool:
		n := 0
		if x {
			n = 1
		}
		fmt.Fprintf(b, `<c r="%s" t="b"><v>%d</v></c>`, ref, n)
	case time.Time:
		style := styleDateTime
		if kind == Date {
			style = styleDate
		}
		fmt.Fprintf(b, `<c r="%s" s="%d"><v>%s</v></c>`, ref, style, strconv.FormatFloat(serial(x), 'f', -1, 64))
	default:
		return fmt.Errorf("a cell of type %T", v)
	}
	return nil
}

func textCell(b *bufio.Writer, ref, s string, style int) {
	fmt.Fprintf(b, `<c r="%s" t="inlineStr"`, ref)
	if style != styleDefault {
		fmt.Fprintf(b, ` s="%d"`, style)
	}
	b.WriteString(`><is><t xml:space="preserve">`)
	b.WriteString(escape(s))
	b.WriteString(`</t></is></c>`)
}

// excelEpoch is day 0 of Excel's 1900 date system as it counts: its serial
// 60 is the 29 February 1900 that never was, so from March 1900 on a
// serial is the days since 30 December 1899.
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// serial is t (in UTC) as an Excel date serial: days and the fraction of a
// day, to the millisecond.
func serial(t time.Time) float64 {
	ms := t.UTC().Sub(excelEpoch).Milliseconds()
	return float64(ms) / float64(24*time.Hour/time.Millisecond)
}

// cellName is the A1 name of the zero-based column c in row r.
func cellName(c, r int) string {
	var col []byte
	for n := c + 1; n > 0; n = (n - 1) / 26 {
		col = append([]byte{byte('A' + (n-1)%26)}, col...)
	}
	return string(col) + strconv.Itoa(r)
}

// escape makes s XML character data (and attribute values): the five
// special characters escaped, and the control characters XML 1.0 forbids
// (all below U+0020 but tab, newline and carriage return) left out.
func escape(s string) string {
	var out strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			out.WriteString("&amp;")
		case r == '<':
			out.WriteString("&lt;")
		case r == '>':
			out.WriteString("&gt;")
		case r == '"':
			out.WriteString("&quot;")
		case r == '\'':
			out.WriteString("&apos;")
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r', r == 0xFFFE, r == 0xFFFF:
		default:
			out.WriteRune(r)
		}
	}
	return out.String()
}
