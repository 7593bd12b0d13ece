package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"sort"
	"strings"
)

// A company directory holds the configuration as files a CX lead can edit
// and review (the schema is documented in testdata/company/README.md):
//
//	company.json          {"id", "name", "units"}
//	staff.json            [Staff, ...]
//	journeys/*.json       one Journey per file
//	standards/*.json      one StandardSet per file

// LoadCompanyDir reads and validates a company directory.
func LoadCompanyDir(dir string) (*Company, error) {
	return LoadCompany(os.DirFS(dir))
}

// LoadCompany reads and validates a company from fsys. JSON is decoded
// strictly; every error names the file and the field path.
func LoadCompany(fsys fs.FS) (*Company, error) {
	var head struct {
		ID       string           `json:"id"`
		Name     Label            `json:"name"`
		Units    []Unit           `json:"units"`
		Settings *CompanySettings `json:"settings"`
	}
	if err := DecodeFile(fsys, "company.json", &head); err != nil {
		return nil, err
	}
	c := &Company{ID: head.ID, Name: head.Name, Units: head.Units, Settings: head.Settings}
	if err := DecodeFile(fsys, "staff.json", &c.Staff); err != nil {
		return nil, err
	}
	sources := map[string]string{} // "journeys[3]" -> "journeys/x.json"
	for _, dir := range []string{"journeys", "standards"} {
		names, err := fs.Glob(fsys, dir+"/*.json")
		if err != nil {
			return nil, err
		}
		sort.Strings(names)
		for _, name := range names {
			switch dir {
			case "journeys":
				var j Journey
				if err := DecodeFile(fsys, name, &j); err != nil {
					return nil, err
				}
				sources[idx("journeys", len(c.Journeys))] = name
				c.Journeys = append(c.Journeys, j)
			case "standards":
				var s StandardSet
				if err := DecodeFile(fsys, name, &s); err != nil {
					return nil, err
				}
				sources[idx("standards", len(c.Standards))] = name
				c.Standards = append(c.Standards, s)
			}
		}
	}
	if err := c.Validate(); err != nil {
		var e *Error
		if errors.As(err, &e) {
			for i, p := range e.Problems {
				e.Problems[i].Path = sourcePath(p.Path, sources)
			}
		}
		return nil, err
	}
	return c, nil
}

var sourcePrefix = regexp.MustCompile(`^(journeys|standards)\[\d+\]`)

// sourcePath rewrites "journeys[2].stages[0].id" to "journeys/loan.json: stages[0].id",
// and names company.json or staff.json for the rest.
func sourcePath(p string, sources map[string]string) string {
	if m := sourcePrefix.FindString(p); m != "" {
		if file, ok := sources[m]; ok {
			return file + ": " + strings.TrimPrefix(strings.TrimPrefix(p, m), ".")
		}
	}
	if strings.HasPrefix(p, "staff") {
		return "staff.json: " + p
	}
	return "company.json: " + p
}

// DecodeFile strictly decodes one JSON file: unknown fields, wrong types and
// trailing data are errors naming the file and the field.
func DecodeFile(fsys fs.FS, name string, v any) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return &Error{Code: Invalid, Message: fmt.Sprintf("%s: cannot read: %v", name, err)}
	}
	if err := DecodeStrict(b, v); err != nil {
		return &Error{Code: Invalid, Message: name + ": " + err.Error()}
	}
	return nil
}

// DecodeStrict decodes one JSON document, refusing unknown fields and
// trailing data. Its error names the field path.
func DecodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return describeJSONError(b, err, dec.InputOffset())
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the JSON document")
	}
	return nil
}

// describeJSONError names the problem and the line it is on: encoding/json
// names fields without array indexes, so the line points at the element.
func describeJSONError(b []byte, err error, offset int64) error {
	line := func(off int64) int {
		return bytes.Count(b[:min(int(max(off, 0)), len(b))], []byte("\n")) + 1
	}
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		if te.Field != "" {
			return fmt.Errorf("line %d: field %s: must be %s, not JSON %s", line(te.Offset), te.Field, te.Type, te.Value)
		}
		return fmt.Errorf("line %d: must be %s, not JSON %s", line(te.Offset), te.Type, te.Value)
	case errors.As(err, &se):
		return fmt.Errorf("line %d: %v", line(se.Offset), se)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return fmt.Errorf("line %d: unknown field %s", line(offset), strings.TrimPrefix(err.Error(), "json: unknown field "))
	case errors.Is(err, io.EOF):
		return errors.New("empty document")
	}
	return err
}
