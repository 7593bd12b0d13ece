package asl

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"
	"touchaudit/internal/asl/jsonvalue"
)

// S3 is what a Distributed Map's ItemReader and ResultWriter need from
// Amazon S3. Errors reach the state machine as States.ItemReaderFailed or
// States.ResultWriterFailed with the error's text as cause.
type S3 interface {
	// GetObject returns an object's body (version "" is the latest).
	GetObject(ctx context.Context, bucket, key, version string) ([]byte, error)
	// ListObjects lists every object under prefix, in key order.
	ListObjects(ctx context.Context, bucket, prefix string) ([]S3Object, error)
	PutObject(ctx context.Context, bucket, key string, body []byte) error
}

// S3Object is one object of a ListObjects answer.
type S3Object struct {
	Key          string
	Size         int64
	ETag         string // with its quotes, as S3 sends it
	LastModified time.Time
	StorageClass string
}

// readItems is the Distributed Map's item list: the array ItemsPath
// selects from the effective input, or what ItemReader reads from S3
// (at most MaxItems).
func (s *MapState) readItems(t *thread, in any) ([]any, *StatesError) {
	r := s.Distributed.Reader
	if r == nil && s.JSONata {
		doc, err := t.mapItems(&s.StateBase, in)
		if err != nil {
			return nil, err
		}
		return deepCopy(doc).([]any), nil
	}
	if r == nil {
		doc := in
		if s.ItemsPath.Set {
			v, err := t.lookup(s.ItemsPath.Path, in)
			if err != nil {
				return nil, t.pathErr(s.ItemsPath.Path, err)
			}
			doc = v
		}
		items, ok := doc.([]any)
		if !ok {
			return nil, t.runtimeErr("Item selector must be a JSON array, but the ItemsPath selected %s.", jsonKind(doc))
		}
		return deepCopy(items).([]any), nil
	}
	var params any
	var err *StatesError
	if s.JSONata {
		params, err = t.evalJSONata(s.Name, "ItemReader/Arguments", r.Parameters.Value, t.statesVar(in, nil))
	} else {
		params, err = t.evalTemplate(s.Name, "ItemReader.Parameters", r.Parameters.Value, in)
	}
	if err != nil {
		return nil, err
	}
	limit := r.MaxItems
	if r.MaxItemsPath.Set {
		if limit, err = t.intFrom(r.MaxItemsPath, in, "MaxItemsPath", 0, maxItemsLimit); err != nil {
			return nil, err
		}
	}
	p, _ := params.(*jsonvalue.Object)
	bucket, _ := p.Value("Bucket").(string)
	if bucket == "" {
		return nil, readerErr("the ItemReader's Parameters must include a string Bucket")
	}
	s3 := t.ex.e.s3
	if s3 == nil {
		return nil, readerErr("touchaudit: no S3 client is configured (Options.S3; S3_ENDPOINT for sfn run and sfn serve)")
	}
	ctx := t.sc.ctx
	var items []any
	switch r.Resource {
	case resS3ListObjectsV2:
		prefix, _ := p.Value("Prefix").(string)
		objs, err := s3.ListObjects(ctx, bucket, prefix)
		if err != nil {
			return nil, readerErr("%v", err)
		}
		for _, o := range objs {
			items = append(items, jsonvalue.FromGo(map[string]any{
				"Etag":         o.ETag,
				"Key":          o.Key,
				"LastModified": json.Number(strconv.FormatInt(o.LastModified.Unix(), 10)),
				"Size":         json.Number(strconv.FormatInt(o.Size, 10)),
				"StorageClass": o.StorageClass,
			}))
		}
	default:
		key, _ := p.Value("Key").(string)
		if key == "" {
			return nil, readerErr("the ItemReader's Parameters must include a string Key for %s", resS3GetObject)
		}
		version, _ := p.Value("VersionId").(string)
		body, err := s3.GetObject(ctx, bucket, key, version)
		if err != nil {
			return nil, readerErr("%v", err)
		}
		items, err = decodeItems(r, body, s.ItemsPath, t)
		if err != nil {
			return nil, readerErr("s3://%s/%s: %v", bucket, key, err)
		}
	}
	if limit > 0 && int64(len(items)) > limit {
		items = items[:limit]
	}
	if items == nil {
		items = []any{}
	}
	return items, nil
}

func readerErr(format string, args ...any) *StatesError {
	return &StatesError{Name: ErrItemReaderFailed, Cause: fmt.Sprintf(format, args...)}
}

// decodeItems parses an object's body by the reader's InputType. In a JSON
// object, ItemsPath (if set) selects the array of items, as the developer
// guide's order of a Distributed Map's fields has it (ItemReader, then
// ItemsPath).
func decodeItems(r *ItemReader, body []byte, itemsPath OptionalPath, t *thread) ([]any, error) {
	switch r.InputType {
	case "JSON":
		v, err := decodeJSON(body)
		if err != nil {
			return nil, fmt.Errorf("not valid JSON: %v", err)
		}
		if itemsPath.Set {
			if v, err = t.lookup(itemsPath.Path, v); err != nil {
				return nil, fmt.Errorf("ItemsPath %s: %v", itemsPath.Path, err)
			}
		}
		arr, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("a JSON item source must hold an array, not %s", jsonKind(v))
		}
		return arr, nil
	case "JSONL":
		var out []any
		sc := bufio.NewScanner(bytes.NewReader(body))
		sc.Buffer(make([]byte, 64*1024), maxPayloadBytes+1)
		line := 0
		for sc.Scan() {
			line++
			if len(bytes.TrimSpace(sc.Bytes())) == 0 {
				continue
			}
			v, err := decodeJSON(sc.Bytes())
			if err != nil {
				return nil, fmt.Errorf("line %d is not valid JSON: %v", line, err)
			}
			out = append(out, v)
		}
		if err := sc.Err(); err != nil {
			return nil, err
		}
		return out, nil
	case "CSV":
		return decodeCSV(r, body)
	}
	return nil, fmt.Errorf("InputType %q is not supported", r.InputType)
}

// decodeCSV turns each row into an object keyed by the headers (the first
// row, or CSVHeaders); values stay strings, as on AWS.
func decodeCSV(r *ItemReader, body []byte) ([]any, error) {
	cr := csv.NewReader(bytes.NewReader(body))
	cr.Comma = csvDelimiters[r.CSVDelimiter]
	cr.FieldsPerRecord = -1
	headers := r.CSVHeaders
	var out []any
	row := 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("not valid CSV: %v", err)
		}
		row++
		if headers == nil {
			headers = rec
			continue
		}
		if len(rec) > len(headers) {
			return nil, fmt.Errorf("row %d has %d fields; the header has %d", row, len(rec), len(headers))
		}
		item := jsonvalue.NewObject(len(headers)) // in the header's column order
		for i, h := range headers {
			v := ""
			if i < len(rec) {
				v = rec[i]
			}
			item.Set(h, v)
		}
		out = append(out, item)
	}
	return out, nil
}
