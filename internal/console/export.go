package console

import (
	"bytes"
	"context"

	"touchaudit/internal/audit"
	"touchaudit/internal/export"
)

// Download is an export file.
type Download struct {
	ContentType string
	Filename    string
	Body        []byte
}

// Export content types.
const (
	ContentTypeCSV  = "text/csv; charset=utf-8"
	ContentTypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// Export writes a review's results as CSV (one table: touchpoints,
// walks, recommendations or actions; "" is touchpoints) or XLSX (all four,
// a sheet each), with headers and words in the viewer's language. The
// actions are those that answer the review: created from one of its walks
// or from its report's recommendations.
func (c *Console) Export(ctx context.Context, v Viewer, reviewID, format, table string) (Download, error) {
	rv, err := c.ownReview(ctx, v, reviewID)
	if err != nil {
		return Download{}, err
	}
	rep, err := c.report(ctx, rv.ID)
	if err != nil {
		return Download{}, err
	}
	if rep == nil {
		return Download{}, audit.Errorf(audit.NotFound, "the report of review %s is not compiled yet (review status: %s)", rv.ID, rv.Status)
	}
	results, err := all(func(p audit.Page) ([]audit.Result, string, error) { return c.store.ListResultsByReview(ctx, rv.ID, p) })
	if err != nil {
		return Download{}, err
	}
	ids := make([]string, len(results))
	for i, r := range results {
		ids[i] = r.WalkthroughID
	}
	walks, err := c.store.GetWalkthroughs(ctx, ids)
	if err != nil {
		return Download{}, err
	}
	acts, err := c.actionsFor(ctx, v, rv.ID, results)
	if err != nil {
		return Download{}, err
	}
	in := export.Input{Report: rep, Results: results, Walkthroughs: walks, Actions: acts, Now: c.now(), Lang: v.Lang,
		T: func(k string) string { return c.T(v.Lang, k) }}
	var b bytes.Buffer
	switch format {
	case "csv":
		if table == "" {
			table = export.TableTouchpoints
		}
		t, ok := export.TableOf(in, table)
		if !ok {
			return Download{}, &audit.Error{Code: audit.Invalid, Message: "invalid request",
				Problems: []audit.Problem{{Path: "table", Reason: "must be touchpoints, walks, recommendations or actions"}}}
		}
		if err := export.WriteCSV(&b, in, t); err != nil {
			return Download{}, err
		}
		return Download{ContentType: ContentTypeCSV, Filename: rv.ID + "-" + table + ".csv", Body: b.Bytes()}, nil
	case "xlsx":
		if err := export.WriteXLSX(&b, in, export.Tables(in)); err != nil {
			return Download{}, err
		}
		return Download{ContentType: ContentTypeXLSX, Filename: rv.ID + ".xlsx", Body: b.Bytes()}, nil
	}
	return Download{}, audit.Errorf(audit.NotFound, "no export format %q", format)
}
