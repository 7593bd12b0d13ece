package intrinsic

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"touchaudit/internal/asl/jsonpath"
)

// maxCalls is how many intrinsic functions one field may hold: "You can
// nest up to 10 intrinsic functions within a field in your workflows"
// (Step Functions developer guide, "Intrinsic functions").
const maxCalls = 10

type argKind int

const (
	argString argKind = iota
	argValue          // number, boolean or null literal
	argPath
	argCall
)

// arg is one parsed argument of a call.
type arg struct {
	kind  argKind
	str   string // decoded string literal
	holes []int  // byte offsets of unescaped "{}" in str (for States.Format)
	value any
	path  *jsonpath.Path
	call  *call
}

// call is a parsed intrinsic invocation.
type call struct {
	name string
	args []arg
}

type parser struct {
	src   string
	pos   int
	calls int
}

func (p *parser) fail(pos int, format string, args ...any) *Error {
	return &Error{Name: ErrIntrinsicFailure, Cause: fmt.Sprintf("invalid intrinsic function call %q at position %d: %s", p.src, pos, fmt.Sprintf(format, args...))}
}

func (p *parser) peek() byte {
	if p.pos >= len(p.src) {
		return 0
	}
	return p.src[p.pos]
}

func (p *parser) skipSpace() {
	for p.pos < len(p.src) {
		r, n := utf8.DecodeRuneInString(p.src[p.pos:])
		if !unicode.IsSpace(r) {
			return
		}
		p.pos += n
	}
}

func parse(expr string) (*call, error) {
	p := &parser{src: expr}
	p.skipSpace()
	c, err := p.call()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos != len(p.src) {
		return nil, p.fail(p.pos, "unexpected text after the closing parenthesis")
	}
	return c, nil
}

// call := "States." Name "(" [arg ("," arg)*] ")"
func (p *parser) call() (*call, error) {
	start := p.pos
	if !strings.HasPrefix(p.src[p.pos:], prefix) {
		return nil, p.fail(p.pos, "expected an intrinsic function starting with %q", prefix)
	}
	p.calls++
	if p.calls > maxCalls {
		return nil, p.fail(start, "more than %d intrinsic functions in one field", maxCalls)
	}
	p.pos += len(prefix)
	nameStart := p.pos
	for c := p.peek(); c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'; c = p.peek() {
		p.pos++
	}
	name := p.src[start:p.pos]
	if p.pos == nameStart {
		return nil, p.fail(nameStart, "missing function name")
	}
	if _, ok := functions[name]; !ok {
		return nil, p.fail(start, "unknown intrinsic function %s", name)
	}
	if p.peek() != '(' {
		return nil, p.fail(p.pos, "expected '(' after %s", name)
	}
	open := p.pos
	p.pos++
	c := &call{name: name}
	p.skipSpace()
	if p.peek() == ')' {
		p.pos++
		return c, nil
	}
	for {
		p.skipSpace()
		a, err := p.arg()
		if err != nil {
			return nil, err
		}
		c.args = append(c.args, a)
		p.skipSpace()
		switch p.peek() {
		case ',':
			p.pos++
		case ')':
			p.pos++
			return c, nil
		case 0:
			return nil, p.fail(open, "unclosed '(' of %s", name)
		default:
			return nil, p.fail(p.pos, "expected ',' or ')' in arguments of %s", name)
		}
	}
}

func (p *parser) arg() (arg, error) {
	switch c := p.peek(); {
	case c == '\'':
		return p.stringLit()
	case c == '$':
		return p.pathArg()
	case c == '-' || c >= '0' && c <= '9':
		return p.numberLit()
	case strings.HasPrefix(p.src[p.pos:], prefix):
		inner, err := p.call()
		if err != nil {
			return arg{}, err
		}
		return arg{kind: argCall, call: inner}, nil
	case c == 0:
		return arg{}, p.fail(p.pos, "missing argument")
	}
	for _, kw := range []struct {
		word string
		v    any
	}{{"true", true}, {"false", false}, {"null", nil}} {
		if rest := p.src[p.pos:]; strings.HasPrefix(rest, kw.word) && !identChar(rest[len(kw.word):]) {
			p.pos += len(kw.word)
			return arg{kind: argValue, value: kw.v}, nil
		}
	}
	r, _ := utf8.DecodeRuneInString(p.src[p.pos:])
	return arg{}, p.fail(p.pos, "unexpected %q; arguments are 'strings', numbers, true, false, null, paths or intrinsic functions", r)
}

func identChar(s string) bool {
	if s == "" {
		return false
	}
	c := s[0]
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// stringLit parses a single-quoted literal. The only escapes are \' \{ \}
// and \\; an unescaped "{}" is a States.Format placeholder.
func (p *parser) stringLit() (arg, error) {
	start := p.pos
	p.pos++
	var b strings.Builder
	var holes []int
	for {
		if p.pos >= len(p.src) {
			return arg{}, p.fail(start, "unterminated string literal")
		}
		c := p.src[p.pos]
		switch c {
		case '\'':
			p.pos++
			return arg{kind: argString, str: b.String(), holes: holes}, nil
		case '\\':
			if p.pos+1 >= len(p.src) {
				return arg{}, &Error{Name: ErrRuntime, Cause: fmt.Sprintf("invalid intrinsic function call %q at position %d: open escape backslash", p.src, p.pos)}
			}
			e := p.src[p.pos+1]
			switch e {
			case '\'', '{', '}', '\\':
				b.WriteByte(e)
				p.pos += 2
			default:
				return arg{}, &Error{Name: ErrRuntime, Cause: fmt.Sprintf("invalid intrinsic function call %q at position %d: open escape backslash before %q; only \\', \\{, \\} and \\\\ are allowed", p.src, p.pos, rune(e))}
			}
		case '{':
			if p.pos+1 < len(p.src) && p.src[p.pos+1] == '}' {
				holes = append(holes, b.Len())
				b.WriteString("{}")
				p.pos += 2
				continue
			}
			b.WriteByte(c)
			p.pos++
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
}

// pathArg reads a JSONPath up to the next top-level ',' or ')'.
func (p *parser) pathArg() (arg, error) {
	start := p.pos
	depth := 0
	var quote byte
scan:
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case quote != 0:
			if c == '\\' {
				p.pos++
			} else if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '[' || c == '(':
			depth++
		case c == ']' || c == ')':
			if depth == 0 {
				break scan
			}
			depth--
		case c == ',' && depth == 0:
			break scan
		}
		p.pos++
	}
	if p.pos > len(p.src) {
		p.pos = len(p.src)
	}
	text := strings.TrimRightFunc(p.src[start:p.pos], unicode.IsSpace)
	path, err := jsonpath.Parse(text)
	if err != nil {
		return arg{}, p.fail(start, "invalid path argument: %v", err)
	}
	return arg{kind: argPath, path: path}, nil
}

// numberLit reads a JSON number and keeps its text as a json.Number.
func (p *parser) numberLit() (arg, error) {
	start := p.pos
	n, ok := jsonpath.ScanNumber(p.src[start:])
	if !ok {
		return arg{}, p.fail(start, "invalid number")
	}
	p.pos += n
	text := p.src[start:p.pos]
	var v any
	if json.Unmarshal([]byte(text), &v) != nil {
		return arg{}, p.fail(start, "invalid number %s", text)
	}
	return arg{kind: argValue, value: json.Number(text)}, nil
}
