package jsonpath

import (
	"encoding/json"
	"strings"
)

// expr is a node of a filter expression inside "[?( ... )]".
type expr interface {
	// eval returns the operand value; ok is false when a path operand
	// selected nothing (Jayway's "undefined").
	eval(cur, root any) (v any, ok bool)
}

// boolExpr is a filter node that yields a truth value.
type boolExpr interface {
	test(cur, root any) bool
}

type literal struct{ v any }

func (l literal) eval(_, _ any) (any, bool) { return l.v, true }

// pathOperand is "@..." (relative to the current item) or "$..." (root).
type pathOperand struct {
	relative bool
	segs     []segment
}

func (o pathOperand) eval(cur, root any) (any, bool) {
	base := root
	if o.relative {
		base = cur
	}
	definite := true
	for i, s := range o.segs {
		if !s.definite(i == len(o.segs)-1) {
			definite = false
			break
		}
	}
	if definite {
		v, err := getDefinite(o.segs, base, root, "")
		return v, err == nil
	}
	return collect(o.segs, base, root), true
}

// exists tells whether a path operand selects anything, for "[?(@.tags)]".
func (o pathOperand) test(cur, root any) bool {
	v, ok := o.eval(cur, root)
	if !ok {
		return false
	}
	for i, s := range o.segs {
		if !s.definite(i == len(o.segs)-1) {
			list, _ := v.([]any)
			return len(list) > 0
		}
	}
	return true
}

type compare struct {
	op          string
	left, right expr
}

func (c compare) eval(cur, root any) (any, bool) { return c.test(cur, root), true }

func (c compare) test(cur, root any) bool {
	l, lok := c.left.eval(cur, root)
	r, rok := c.right.eval(cur, root)
	if c.op == "!=" {
		return !(lok && rok && looseEqual(l, r))
	}
	if !lok || !rok {
		return false
	}
	switch c.op {
	case "==":
		return looseEqual(l, r)
	}
	cmp, ok := order(l, r)
	if !ok {
		return false
	}
	switch c.op {
	case "<":
		return cmp < 0
	case "<=":
		return cmp <= 0
	case ">":
		return cmp > 0
	case ">=":
		return cmp >= 0
	}
	return false
}

type logical struct {
	and         bool
	left, right boolExpr
}

func (l logical) eval(cur, root any) (any, bool) { return l.test(cur, root), true }

func (l logical) test(cur, root any) bool {
	if l.and {
		return l.left.test(cur, root) && l.right.test(cur, root)
	}
	return l.left.test(cur, root) || l.right.test(cur, root)
}

type not struct{ inner boolExpr }

func (n not) eval(cur, root any) (any, bool) { return n.test(cur, root), true }
func (n not) test(cur, root any) bool        { return !n.inner.test(cur, root) }

// truth turns an operand that is not already boolean into a condition:
// a path tests for existence, a literal for truthiness.
func truth(e expr) boolExpr {
	if b, ok := e.(boolExpr); ok {
		return b
	}
	return literalTest{e}
}

type literalTest struct{ e expr }

func (t literalTest) test(cur, root any) bool {
	v, ok := t.e.eval(cur, root)
	b, isBool := v.(bool)
	return ok && isBool && b
}

// orExpr := andExpr ("||" andExpr)*
func (p *parser) orExpr() (expr, error) {
	left, err := p.andExpr()
	if err != nil {
		return nil, err
	}
	for {
		p.skipSpace()
		if !strings.HasPrefix(p.src[p.pos:], "||") {
			return left, nil
		}
		p.pos += 2
		right, err := p.andExpr()
		if err != nil {
			return nil, err
		}
		left = logical{and: false, left: truth(left), right: truth(right)}
	}
}

// andExpr := unary ("&&" unary)*
func (p *parser) andExpr() (expr, error) {
	left, err := p.unary()
	if err != nil {
		return nil, err
	}
	for {
		p.skipSpace()
		if !strings.HasPrefix(p.src[p.pos:], "&&") {
			return left, nil
		}
		p.pos += 2
		right, err := p.unary()
		if err != nil {
			return nil, err
		}
		left = logical{and: true, left: truth(left), right: truth(right)}
	}
}

// unary := "!" unary | "(" orExpr ")" | comparison
func (p *parser) unary() (expr, error) {
	p.skipSpace()
	switch p.peek() {
	case '!':
		if p.peekAt(1) != '=' {
			p.pos++
			inner, err := p.unary()
			if err != nil {
				return nil, err
			}
			return not{truth(inner)}, nil
		}
	case '(':
		open := p.pos
		p.pos++
		p.depth++
		if p.depth > maxFilterDepth {
			return nil, p.errf(open, "filter nested too deeply")
		}
		e, err := p.orExpr()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.peek() != ')' {
			return nil, p.errf(open, "unclosed '(' in filter")
		}
		p.pos++
		p.depth--
		return e, nil
	}
	return p.comparison()
}

var compareOps = []string{"==", "!=", "<=", ">=", "<", ">"}

// comparison := operand (op operand)?
func (p *parser) comparison() (expr, error) {
	left, err := p.operand()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	for _, op := range compareOps {
		if strings.HasPrefix(p.src[p.pos:], op) {
			p.pos += len(op)
			right, err := p.operand()
			if err != nil {
				return nil, err
			}
			return compare{op: op, left: left, right: right}, nil
		}
	}
	if c := p.peek(); c == '=' || c == '~' {
		return nil, p.errf(p.pos, "unsupported filter operator "+quoteChar(p.src[p.pos:]))
	}
	return left, nil
}

// operand := "@" path | "$" path | literal
func (p *parser) operand() (expr, error) {
	p.skipSpace()
	start := p.pos
	switch c := p.peek(); {
	case c == '@' || c == '$':
		p.pos++
		segs, err := p.segments(true)
		if err != nil {
			return nil, err
		}
		return pathOperand{relative: c == '@', segs: segs}, nil
	case c == '\'' || c == '"':
		s, err := p.quoted()
		if err != nil {
			return nil, err
		}
		return literal{s}, nil
	case c == '-' || (c >= '0' && c <= '9'):
		return p.numberLiteral()
	}
	for _, kw := range []struct {
		word string
		v    any
	}{{"true", true}, {"false", false}, {"null", nil}} {
		if strings.HasPrefix(p.src[p.pos:], kw.word) {
			p.pos += len(kw.word)
			return literal{kw.v}, nil
		}
	}
	if p.eof() {
		return nil, p.errf(start, "unexpected end of filter")
	}
	return nil, p.errf(start, "unexpected "+quoteChar(p.src[p.pos:])+" in filter")
}

func (p *parser) numberLiteral() (expr, error) {
	start := p.pos
	n, ok := ScanNumber(p.src[start:])
	if !ok {
		return nil, p.errf(start, "invalid number in filter")
	}
	p.pos += n
	return literal{json.Number(p.src[start:p.pos])}, nil
}

// ScanNumber measures the number at the start of s, written as JSON
// writes one: an optional '-', digits, an optional fraction and an
// optional exponent. It returns the number's length in bytes, or ok false
// when a part lacks its digits. Leading zeros are not checked. The
// intrinsic function parser uses it too, so both read numbers alike.
func ScanNumber(s string) (n int, ok bool) {
	at := func(i int) byte {
		if i < len(s) {
			return s[i]
		}
		return 0
	}
	digits := func() bool {
		from := n
		for c := at(n); c >= '0' && c <= '9'; c = at(n) {
			n++
		}
		return n > from
	}
	if at(n) == '-' {
		n++
	}
	if !digits() {
		return 0, false
	}
	if at(n) == '.' {
		n++
		if !digits() {
			return 0, false
		}
	}
	if c := at(n); c == 'e' || c == 'E' {
		n++
		if c := at(n); c == '+' || c == '-' {
			n++
		}
		if !digits() {
			return 0, false
		}
	}
	return n, true
}
