package memstore

import (
	"encoding/base64"
	"encoding/json"
	"sort"
	"time"

	"touchaudit/internal/audit"
)

// cursor is the opaque page cursor: the listing it belongs to and the sort
// key of the last item returned, so a page continues after that item even
// when items were added or removed in between.
type cursor struct {
	Listing string `json:"l"`
	After   string `json:"a"`
}

// sortTime formats t so that strings sort as times do (fixed width, UTC),
// the same layout the DynamoDB store uses in its sort keys.
func sortTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000Z") }

// keyed is a listed item with its sort key.
type keyed[T any] struct {
	key  string
	item T
}

// page sorts items by key (descending if newestFirst) and returns the page
// after p.Cursor, with the cursor of the next page ("" after the last).
func page[T any](items []keyed[T], listing string, p audit.Page, newestFirst bool) ([]T, string, error) {
	limit, err := p.Size()
	if err != nil {
		return nil, "", err
	}
	sort.Slice(items, func(i, j int) bool {
		if newestFirst {
			return items[i].key > items[j].key
		}
		return items[i].key < items[j].key
	})
	start := 0
	if p.Cursor != "" {
		c, err := decodeCursor(p.Cursor)
		if err != nil || c.Listing != listing {
			return nil, "", audit.Errorf(audit.Invalid, "bad page cursor")
		}
		start = sort.Search(len(items), func(i int) bool {
			if newestFirst {
				return items[i].key < c.After
			}
			return items[i].key > c.After
		})
	}
	end := min(start+limit, len(items))
	out := make([]T, 0, end-start)
	for _, it := range items[start:end] {
		out = append(out, clone(it.item))
	}
	next := ""
	if end < len(items) {
		b, _ := json.Marshal(cursor{Listing: listing, After: items[end-1].key})
		next = base64.RawURLEncoding.EncodeToString(b)
	}
	return out, next, nil
}

func decodeCursor(s string) (cursor, error) {
	var c cursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return c, err
	}
	return c, nil
}
