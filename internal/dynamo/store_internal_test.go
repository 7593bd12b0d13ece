package dynamo

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"touchaudit/internal/audit"
)

func TestBackoff_GrowsWithJitterUpToTheCap(t *testing.T) {
	for attempt := range 20 {
		ceiling := backoffCap
		if attempt < 16 {
			ceiling = min(backoffBase<<attempt, backoffCap)
		}
		for range 50 {
			d := backoff(attempt)
			if d < ceiling/2 || d > ceiling {
				t.Fatalf("backoff(%d) = %s, want within [%s, %s]", attempt, d, ceiling/2, ceiling)
			}
		}
	}
}

func TestCompress_RefusesBodiesOverTheItemLimit(t *testing.T) {
	t.Run("compressible JSON fits", func(t *testing.T) {
		big := bytes.Repeat([]byte(`{"staff":"Anna Kowalska","unit":"branch-01"},`), 50_000) // ≈2.3 MB
		z, err := compress("company", big)
		if err != nil {
			t.Fatalf("compress: %v", err)
		}
		got, err := decompress("company", map[string]types.AttributeValue{attrBody: &types.AttributeValueMemberB{Value: z}})
		if err != nil || !bytes.Equal(got, big) {
			t.Fatalf("round trip failed: %v", err)
		}
	})
	t.Run("incompressible body over the limit is invalid", func(t *testing.T) {
		noise := make([]byte, maxBodyBytes)
		rand.Read(noise)
		_, err := compress("company", []byte(base64.StdEncoding.EncodeToString(noise)))
		if !audit.IsCode(err, audit.Invalid) {
			t.Fatalf("compress(%d KB of noise) = %v, want invalid", maxBodyBytes/1024, err)
		}
	})
}

func TestListingCursor_RoundTripsAndRefusesForeignCursors(t *testing.T) {
	l := auditorListing("bank", "staff-001")
	item := map[string]types.AttributeValue{
		attrPK: str("ASSIGNMENT#a1"), attrSK: str(skAssignment),
		attrGSI1PK: str(l.pk), attrGSI1SK: str("0#" + sortTime(time.Unix(0, 0)) + "#a1"),
		"status": str("assigned"),
	}
	c, err := l.encodeCursor(item)
	if err != nil {
		t.Fatal(err)
	}
	start, err := l.decodeCursor(c)
	if err != nil {
		t.Fatalf("decode own cursor: %v", err)
	}
	if len(start) != 4 || start[attrGSI1SK].(*types.AttributeValueMemberS).Value != item[attrGSI1SK].(*types.AttributeValueMemberS).Value {
		t.Fatalf("decoded start key %v", start)
	}
	for name, cursor := range map[string]string{
		"other auditor":  mustCursor(t, auditorListing("bank", "staff-002"), item),
		"other index":    mustCursor(t, reviewStatusListing("r1", audit.StatusAssigned), item),
		"not base64":     "%%%",
		"not JSON":       base64.RawURLEncoding.EncodeToString([]byte("nope")),
		"missing key":    base64.RawURLEncoding.EncodeToString([]byte(`{"GSI1PK":"AUDITOR#bank#staff-001"}`)),
		"padded base64":  base64.URLEncoding.EncodeToString([]byte(`{}`)),
		"extra key":      base64.RawURLEncoding.EncodeToString([]byte(`{"GSI1PK":"AUDITOR#bank#staff-001","GSI1SK":"x","PK":"p","SK":"s","X":"y"}`)),
		"empty sort key": base64.RawURLEncoding.EncodeToString([]byte(`{"GSI1PK":"AUDITOR#bank#staff-001","GSI1SK":"","PK":"p","SK":"s"}`)),
	} {
		if _, err := l.decodeCursor(cursor); !audit.IsCode(err, audit.Invalid) {
			t.Errorf("%s: decodeCursor = %v, want invalid", name, err)
		}
	}
}

// mustCursor encodes a well-formed cursor of another listing.
func mustCursor(t *testing.T, other listing, item map[string]types.AttributeValue) string {
	t.Helper()
	it := map[string]types.AttributeValue{}
	for k, v := range item {
		it[k] = v
	}
	it[other.pkAttr], it[other.skAttr] = str(other.pk), str("sk")
	c, err := other.encodeCursor(it)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
