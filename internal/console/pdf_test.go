package console_test

import (
	"bytes"
	"compress/zlib"
	"encoding/hex"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// pdfInfo is what the print test checks in Chromium's PDF: pages, their
// MediaBox, and the text, decoded through each font's ToUnicode map (Skia
// writes glyph ids, so the words are not in the file as such).
type pdfInfo struct {
	Pages      int
	MediaBoxes []string
	Text       string
}

var (
	reObj      = regexp.MustCompile(`(?s)(\d+) 0 obj(.*?)endobj`)
	reStream   = regexp.MustCompile(`(?s)^(.*?)stream\r?\n(.*)\r?\nendstream`)
	reMediaBox = regexp.MustCompile(`/MediaBox\s*\[([^\]]*)\]`)
	reFontRefs = regexp.MustCompile(`/(F\w*|C\w*|T\w*)\s+(\d+) 0 R`)
	reToUni    = regexp.MustCompile(`/ToUnicode\s+(\d+) 0 R`)
	reBfChar   = regexp.MustCompile(`(?s)beginbfchar(.*?)endbfchar`)
	reBfRange  = regexp.MustCompile(`(?s)beginbfrange(.*?)endbfrange`)
	reHexPair  = regexp.MustCompile(`<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>`)
	reHexTrip  = regexp.MustCompile(`<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>`)
	reTokens   = regexp.MustCompile(`/[^\s/<>\[\]()]+|<[0-9A-Fa-f\s]*>|-?[\d.]+|[A-Za-z'"*]+|\[|\]`)
)

func readPDF(b []byte) pdfInfo {
	var info pdfInfo
	dicts := map[string]string{}
	streams := map[string][]byte{}
	for _, m := range reObj.FindAllSubmatch(b, -1) {
		id, body := string(m[1]), m[2]
		if s := reStream.FindSubmatch(body); s != nil {
			dicts[id] = string(s[1])
			data := s[2]
			if bytes.Contains(s[1], []byte("/FlateDecode")) {
				if r, err := zlib.NewReader(bytes.NewReader(data)); err == nil {
					if out, err := io.ReadAll(r); err == nil || len(out) > 0 {
						data = out
					}
				}
			}
			streams[id] = data
		} else {
			dicts[id] = string(body)
		}
	}
	// Fonts by resource name → their glyph-to-text maps.
	cmaps := map[string]map[string]string{}
	for _, d := range dicts {
		if strings.Contains(d, "/Type /Page") && !strings.Contains(d, "/Type /Pages") {
			info.Pages++
			if mb := reMediaBox.FindStringSubmatch(d); mb != nil {
				info.MediaBoxes = append(info.MediaBoxes, strings.Join(strings.Fields(mb[1]), " "))
			}
		}
		i := strings.Index(d, "/Font")
		if i < 0 || strings.Contains(d, "/Type /Font") {
			continue
		}
		for _, f := range reFontRefs.FindAllStringSubmatch(d[i:], -1) {
			if tu := reToUni.FindStringSubmatch(dicts[f[2]]); tu != nil {
				cmaps[f[1]] = parseCMap(string(streams[tu[1]]))
			}
		}
	}
	var text strings.Builder
	for id, data := range streams {
		if strings.Contains(dicts[id], "/Length1") || strings.Contains(dicts[id], "/Subtype") {
			continue // font files and images
		}
		var cm map[string]string
		var last string
		for _, tok := range reTokens.FindAllString(string(data), -1) {
			switch {
			case tok == "Tf":
				cm = cmaps[strings.TrimPrefix(last, "/")]
			case strings.HasPrefix(tok, "<") && cm != nil:
				h := strings.Join(strings.Fields(strings.Trim(tok, "<>")), "")
				for k := 0; k+4 <= len(h); k += 4 {
					text.WriteString(cm[strings.ToUpper(h[k:k+4])])
				}
			case tok == "TJ" || tok == "Tj":
				text.WriteString(" ")
			}
			if strings.HasPrefix(tok, "/") {
				last = tok
			}
		}
	}
	// Chromium shapes "fi" and "fl" into ligature glyphs; read them as letters.
	info.Text = strings.NewReplacer("ﬀ", "ff", "ﬁ", "fi", "ﬂ", "fl", "ﬃ", "ffi", "ﬄ", "ffl").Replace(text.String())
	return info
}

// parseCMap reads bfchar and bfrange entries of 2-byte codes.
func parseCMap(s string) map[string]string {
	m := map[string]string{}
	for _, block := range reBfChar.FindAllStringSubmatch(s, -1) {
		for _, p := range reHexPair.FindAllStringSubmatch(block[1], -1) {
			m[strings.ToUpper(p[1])] = utf16hex(p[2])
		}
	}
	for _, block := range reBfRange.FindAllStringSubmatch(s, -1) {
		for _, p := range reHexTrip.FindAllStringSubmatch(block[1], -1) {
			lo, _ := strconv.ParseUint(p[1], 16, 32)
			hi, _ := strconv.ParseUint(p[2], 16, 32)
			dst, _ := strconv.ParseUint(p[3], 16, 32)
			for c := lo; c <= hi && c-lo < 1024; c++ {
				m[strings.ToUpper(strconv.FormatUint(c|0x10000, 16)[1:])] = string(rune(dst + c - lo))
			}
		}
	}
	return m
}

func utf16hex(h string) string {
	b, err := hex.DecodeString(h)
	if err != nil {
		return ""
	}
	var rs []rune
	for i := 0; i+1 < len(b); i += 2 {
		rs = append(rs, rune(b[i])<<8|rune(b[i+1]))
	}
	return string(rs)
}
