package jsonpath

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxFilterDepth bounds nesting of parentheses and nested filters so that
// hostile input cannot exhaust the stack.
const maxFilterDepth = 64

// maxIndex bounds array indices and slice bounds; larger values cannot
// address a real document and would overflow int arithmetic.
const maxIndex = 1 << 31

type parser struct {
	src   string
	pos   int
	depth int
}

func (p *parser) errf(pos int, msg string) error {
	return &SyntaxError{Expr: p.src, Pos: pos, Msg: msg}
}

func (p *parser) eof() bool { return p.pos >= len(p.src) }

func (p *parser) peek() byte {
	if p.eof() {
		return 0
	}
	return p.src[p.pos]
}

func (p *parser) peekAt(off int) byte {
	if p.pos+off >= len(p.src) {
		return 0
	}
	return p.src[p.pos+off]
}

func (p *parser) skipSpace() {
	for !p.eof() {
		r, n := utf8.DecodeRuneInString(p.src[p.pos:])
		if !unicode.IsSpace(r) {
			return
		}
		p.pos += n
	}
}

// Parse compiles a JSONPath expression. The expression must start with
// "$" (state input) or "$$" (context object).
func Parse(expr string) (*Path, error) {
	p := &parser{src: expr}
	path := &Path{expr: expr}
	if p.peek() != '$' {
		return nil, p.errf(0, "path must start with '$'")
	}
	p.pos++
	if p.peek() == '$' {
		path.context = true
		p.pos++
	} else if isVarStart(p.peek()) {
		// "$name": a workflow variable (Assign), then steps into it.
		start := p.pos
		for !p.eof() && isVarChar(p.peek()) {
			p.pos++
		}
		path.variable = p.src[start:p.pos]
	}
	segs, err := p.segments(false)
	if err != nil {
		return nil, err
	}
	if !p.eof() {
		return nil, p.errf(p.pos, "unexpected character "+quoteChar(p.src[p.pos:]))
	}
	path.segs = segs
	return path, nil
}

func quoteChar(s string) string {
	r, _ := utf8.DecodeRuneInString(s)
	return strconv.QuoteRune(r)
}

// segments parses steps until the input ends or, inside a filter, until a
// character that cannot continue a path.
func (p *parser) segments(inFilter bool) ([]segment, error) {
	var segs []segment
	for !p.eof() {
		c := p.peek()
		switch {
		case c == '.' && p.peekAt(1) == '.':
			p.pos += 2
			seg, err := p.afterDot(inFilter, true)
			if err != nil {
				return nil, err
			}
			segs = append(segs, seg)
		case c == '.':
			p.pos++
			seg, err := p.afterDot(inFilter, false)
			if err != nil {
				return nil, err
			}
			segs = append(segs, seg)
		case c == '[':
			seg, err := p.bracket()
			if err != nil {
				return nil, err
			}
			segs = append(segs, seg)
		default:
			if inFilter {
				return segs, nil
			}
			return nil, p.errf(p.pos, "unexpected character "+quoteChar(p.src[p.pos:]))
		}
	}
	return segs, nil
}

// afterDot parses what follows "." or "..": a member name, "*" or a
// bracket (AWS documents "$.abc.['def ghi']" as valid).
func (p *parser) afterDot(inFilter, deep bool) (segment, error) {
	start := p.pos
	switch c := p.peek(); {
	case c == '*':
		p.pos++
		return segment{kind: segWildcard, deep: deep}, nil
	case c == '[':
		seg, err := p.bracket()
		seg.deep = deep
		return seg, err
	case c == 0:
		return segment{}, p.errf(start, "path must not end with '.'")
	}
	name := p.memberName(inFilter)
	if name == "" {
		return segment{}, p.errf(start, "expected a member name, '*' or '[' after '.', found "+quoteChar(p.src[p.pos:]))
	}
	if p.peek() == '(' {
		return segment{}, p.errf(p.pos, "functions such as "+name+"() are not supported")
	}
	return segment{kind: segName, deep: deep, names: []string{name}}, nil
}

// memberName reads a dot-notation member name. Like Jayway, any character
// other than the path punctuation may appear, so "$.foo-bar" and unicode
// names work.
func (p *parser) memberName(inFilter bool) string {
	start := p.pos
	for !p.eof() {
		r, n := utf8.DecodeRuneInString(p.src[p.pos:])
		if r == '.' || r == '[' || r == ']' || r == '(' || r == ')' || r == '\'' || r == '"' || unicode.IsSpace(r) {
			break
		}
		if inFilter && strings.ContainsRune("<>=!&|,", r) {
			break
		}
		p.pos += n
	}
	return p.src[start:p.pos]
}

// bracket parses a "[...]" step.
func (p *parser) bracket() (segment, error) {
	open := p.pos
	p.pos++ // '['
	p.skipSpace()
	var seg segment
	var err error
	switch c := p.peek(); {
	case c == '*':
		p.pos++
		seg = segment{kind: segWildcard}
	case c == '?':
		seg, err = p.filterStep()
	case c == '\'' || c == '"':
		seg, err = p.nameList()
	case c == '-' || c == ':' || (c >= '0' && c <= '9'):
		seg, err = p.indexOrSlice()
	case c == 0:
		return segment{}, p.errf(open, "unclosed '['")
	default:
		return segment{}, p.errf(p.pos, "unexpected character "+quoteChar(p.src[p.pos:])+" in brackets")
	}
	if err != nil {
		return segment{}, err
	}
	p.skipSpace()
	if p.peek() != ']' {
		if p.eof() {
			return segment{}, p.errf(open, "unclosed '['")
		}
		return segment{}, p.errf(p.pos, "expected ']', found "+quoteChar(p.src[p.pos:]))
	}
	p.pos++
	return seg, nil
}

// nameList parses "'a'" or "'a', \"b\"" inside brackets.
func (p *parser) nameList() (segment, error) {
	var names []string
	for {
		s, err := p.quoted()
		if err != nil {
			return segment{}, err
		}
		names = append(names, s)
		p.skipSpace()
		if p.peek() != ',' {
			return segment{kind: segName, names: names}, nil
		}
		p.pos++
		p.skipSpace()
		if c := p.peek(); c != '\'' && c != '"' {
			return segment{}, p.errf(p.pos, "expected a quoted name after ','")
		}
	}
}

// quoted parses a single- or double-quoted string with backslash escapes.
func (p *parser) quoted() (string, error) {
	start := p.pos
	q := p.src[p.pos]
	p.pos++
	var b strings.Builder
	for {
		if p.eof() {
			return "", p.errf(start, "unterminated string")
		}
		c := p.src[p.pos]
		switch {
		case c == q:
			p.pos++
			return b.String(), nil
		case c == '\\':
			p.pos++
			if p.eof() {
				return "", p.errf(start, "unterminated string")
			}
			e := p.src[p.pos]
			switch e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'u':
				if p.pos+5 > len(p.src) {
					return "", p.errf(p.pos-1, "invalid \\u escape")
				}
				v, err := strconv.ParseUint(p.src[p.pos+1:p.pos+5], 16, 32)
				if err != nil {
					return "", p.errf(p.pos-1, "invalid \\u escape")
				}
				b.WriteRune(rune(v))
				p.pos += 4
			default:
				// \' \" \\ \/ and any other character stand for themselves.
				b.WriteByte(e)
			}
			p.pos++
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
}

// indexOrSlice parses "[0]", "[-1]", "[0,2]" or "[start:end:step]".
func (p *parser) indexOrSlice() (segment, error) {
	first, hasFirst, err := p.optInt()
	if err != nil {
		return segment{}, err
	}
	p.skipSpace()
	if p.peek() == ':' {
		var sl sliceSpec
		if hasFirst {
			sl.start = &first
		}
		p.pos++
		p.skipSpace()
		v, ok, err := p.optInt()
		if err != nil {
			return segment{}, err
		}
		if ok {
			sl.end = &v
		}
		p.skipSpace()
		if p.peek() == ':' {
			p.pos++
			p.skipSpace()
			st, ok, err := p.optInt()
			if err != nil {
				return segment{}, err
			}
			if ok {
				if st == 0 {
					return segment{}, p.errf(p.pos, "slice step must not be zero")
				}
				sl.step = &st
			}
		}
		return segment{kind: segSlice, slice: sl}, nil
	}
	if !hasFirst {
		return segment{}, p.errf(p.pos, "expected an array index")
	}
	idx := []int{first}
	for p.peek() == ',' {
		p.pos++
		p.skipSpace()
		v, ok, err := p.optInt()
		if err != nil {
			return segment{}, err
		}
		if !ok {
			return segment{}, p.errf(p.pos, "expected an array index after ','")
		}
		idx = append(idx, v)
		p.skipSpace()
	}
	return segment{kind: segIndex, indices: idx}, nil
}

// optInt parses an optional signed integer.
func (p *parser) optInt() (int, bool, error) {
	start := p.pos
	if p.peek() == '-' {
		p.pos++
	}
	digits := p.pos
	for c := p.peek(); c >= '0' && c <= '9'; c = p.peek() {
		p.pos++
	}
	if p.pos == digits {
		if p.pos != start {
			return 0, false, p.errf(start, "expected digits after '-'")
		}
		return 0, false, nil
	}
	v, err := strconv.Atoi(p.src[start:p.pos])
	if err != nil || v > maxIndex || v < -maxIndex {
		return 0, false, p.errf(start, "array index out of range")
	}
	return v, true, nil
}

// filterStep parses "?(expr)" inside brackets.
func (p *parser) filterStep() (segment, error) {
	p.pos++ // '?'
	p.skipSpace()
	if p.peek() != '(' {
		return segment{}, p.errf(p.pos, "expected '(' after '?'")
	}
	open := p.pos
	p.pos++
	p.depth++
	if p.depth > maxFilterDepth {
		return segment{}, p.errf(open, "filter nested too deeply")
	}
	e, err := p.orExpr()
	if err != nil {
		return segment{}, err
	}
	p.skipSpace()
	if p.peek() != ')' {
		if p.eof() {
			return segment{}, p.errf(open, "unclosed '(' in filter")
		}
		return segment{}, p.errf(p.pos, "expected ')' in filter, found "+quoteChar(p.src[p.pos:]))
	}
	p.pos++
	p.depth--
	return segment{kind: segFilter, filter: e}, nil
}

func isVarStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isVarChar(c byte) bool  { return isVarStart(c) || c >= '0' && c <= '9' }
