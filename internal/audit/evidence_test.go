package audit

import (
	"slices"
	"strings"
	"testing"
)

func TestEvidenceID_NamesItsAssignment(t *testing.T) {
	const a = "bank-pl-2026-h2-test.acc.branch-krk-florianska.w1"
	id := NewEvidenceID(a)
	if !strings.HasPrefix(id, "ev-") || len(id) != len("ev-")+26+1+len(a) {
		t.Errorf("id %q, want ev-<26 base32 characters>.<assignment>", id)
	}
	if got, ok := EvidenceAssignment(id); !ok || got != a {
		t.Errorf("EvidenceAssignment(%q) = %q, %t", id, got, ok)
	}
	if NewEvidenceID(a) == id {
		t.Error("two ids alike")
	}
	for _, bad := range []string{"", "ev-", "photo.jpg", "ev-abc.a1", "ev-" + strings.Repeat("a", 26) + "x" + a,
		"ev-" + strings.Repeat("A", 26) + "." + a, "ev-" + strings.Repeat("a", 26) + ".../a1", "ev-" + strings.Repeat("a", 26) + "."} {
		if got, ok := EvidenceAssignment(bad); ok {
			t.Errorf("EvidenceAssignment(%q) = %q, want no evidence id", bad, got)
		}
	}
}

func TestEvidenceKey_UnderThePrefix(t *testing.T) {
	if got := EvidenceKey("bank-pl", "a1", "ev-x.a1"); got != "evidence/bank-pl/a1/ev-x.a1" {
		t.Errorf("key %q", got)
	}
}

func TestCheckFileSpec_Refusals(t *testing.T) {
	const sum = "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=" // SHA-256 of "test"
	good := FileSpec{ContentType: "image/jpeg", Size: 2_400_000, SHA256: sum}
	if p := CheckFileSpec("IMG_0042.jpg", good, EvidenceTarget{Step: "queue"}); p != nil {
		t.Fatalf("valid request refused: %v", p)
	}
	for _, c := range []struct {
		name, fileName, path string
		f                    FileSpec
		to                   EvidenceTarget
	}{
		{"GIF", "a.gif", "contentType", FileSpec{ContentType: "image/gif", Size: 10, SHA256: sum}, EvidenceTarget{}},
		{"HTML", "a.html", "contentType", FileSpec{ContentType: "text/html", Size: 10, SHA256: sum}, EvidenceTarget{}},
		{"10 MiB and one byte", "a.jpg", "size", FileSpec{ContentType: "image/jpeg", Size: 10_485_761, SHA256: sum}, EvidenceTarget{}},
		{"empty file", "a.jpg", "size", FileSpec{ContentType: "image/jpeg", Size: 0, SHA256: sum}, EvidenceTarget{}},
		{"hex checksum", "a.jpg", "sha256", FileSpec{ContentType: "image/jpeg", Size: 10, SHA256: strings.Repeat("ab", 32)}, EvidenceTarget{}},
		{"no name", " ", "fileName", good, EvidenceTarget{}},
		{"a path", "../../etc/passwd", "fileName", good, EvidenceTarget{}},
		{"step and criterion", "a.jpg", "attachTo", good, EvidenceTarget{Step: "queue", CriterionID: "c1"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := CheckFileSpec(c.fileName, c.f, c.to)
			if len(p) != 1 || p[0].Path != c.path {
				t.Errorf("problems %v, want one at %s", p, c.path)
			}
		})
	}
	if p := CheckFileSpec("note.webm", FileSpec{ContentType: "audio/webm", Size: 10_485_760, SHA256: sum}, EvidenceTarget{}); p != nil {
		t.Errorf("10 MiB audio note refused: %v", p)
	}
}

func TestAssignment_EvidenceOnlySince(t *testing.T) {
	a := Assignment{Version: 7, EvidenceWrites: []int{4, 5, 6}}
	for _, c := range []struct {
		v    int
		want bool
	}{{7, true}, {6, true}, {4, true}, {3, false}, {8, false}, {-1, false}} {
		if got := a.EvidenceOnlySince(c.v); got != c.want {
			t.Errorf("EvidenceOnlySince(%d) = %t, want %t (writes %v, version 7)", c.v, got, c.want, a.EvidenceWrites)
		}
	}
	if !slices.Contains(EvidenceContentTypes, "application/pdf") {
		t.Error("PDF not accepted")
	}
}
