package console

import (
	"fmt"
	"math"
	"strings"

	"touchaudit/internal/audit"
	"touchaudit/internal/scoring"
)

// Charts are SVG drawn by the templates from the geometry computed here:
// no JavaScript, so they print and load at once. Each carries a title and a
// description (<title>, <desc>, aria-labelledby) and the templates put the
// same numbers in a table next to it.

// Bar is one bar of a bar chart.
type Bar struct {
	Label      string
	Value      int
	X, Y, W, H float64
	Class      string
}

// Bars is a bar chart (vertical bars over labels).
type Bars struct {
	Width, Height float64
	Items         []Bar
	Max           int
}

// Bars are drawn across: a label column on the left, so long (Polish)
// labels never collide, and the value at each bar's end.
const (
	barsWidth     = 560.0
	barsLabel     = 150.0 // the x where bars start
	barsRow       = 28.0
	barsThickness = 20.0
)

func bars(items []Bar) Bars {
	b := Bars{Width: barsWidth, Height: float64(len(items))*barsRow + 8, Items: items}
	for _, it := range items {
		b.Max = max(b.Max, it.Value)
	}
	for i := range b.Items {
		it := &b.Items[i]
		w := 0.0
		if b.Max > 0 {
			w = float64(it.Value) / float64(b.Max) * (barsWidth - barsLabel - 40)
		}
		it.X, it.W = barsLabel, w
		it.Y, it.H = 4+float64(i)*barsRow, barsThickness
	}
	return b
}

// progressBars are the walks by status, late last.
func progressBars(n Counts, t func(string) string) Bars {
	var items []Bar
	for _, s := range progressStatuses {
		items = append(items, Bar{Label: t("status." + string(s)), Value: n.By[s], Class: "st-" + string(s)})
	}
	items = append(items, Bar{Label: t("progress.late"), Value: n.Late, Class: "st-late"})
	return bars(items)
}

// distributionBars count touchpoints by median valuation, −2 to +2.
func distributionBars(l scoring.Levels) Bars {
	vals := []int{l.MinusTwo, l.MinusOne, l.Zero, l.PlusOne, l.PlusTwo}
	items := make([]Bar, 5)
	for i, n := range vals {
		v := audit.Valuation(i - 2)
		items[i] = Bar{Label: signed(v), Value: n, Class: valClass(v)}
	}
	return bars(items)
}

// Lines is a line chart of valuations (−2..+2) across reviews.
type Lines struct {
	Width, Height float64
	Left, Right   float64
	Top, Bottom   float64
	XTicks        []Tick
	YTicks        []Tick
	Series        []Series
}

// Tick is one axis label.
type Tick struct {
	Pos   float64
	Label string
}

// Series is one line.
type Series struct {
	Name   string
	Color  string
	Path   string
	Points []Point
}

// Point is one value of a series; Missing points are left out of the line.
type Point struct {
	X, Y  float64
	Value float64
	Text  string
}

// palette is colour-blind safe (Okabe–Ito).
var palette = []string{"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442"}

const (
	linesWidth, linesHeight = 640.0, 240.0
	linesLeft, linesRight   = 40.0, 20.0
	linesTop, linesBottom   = 15.0, 40.0
)

// trendSeries is one line's values by x index (NaN where not walked).
type trendSeries struct {
	Name   string
	Values []float64
}

func lines(xLabels []string, series []trendSeries) Lines {
	l := Lines{Width: linesWidth, Height: linesHeight, Left: linesLeft, Right: linesWidth - linesRight, Top: linesTop, Bottom: linesHeight - linesBottom}
	x := func(i int) float64 {
		if len(xLabels) == 1 {
			return (l.Left + l.Right) / 2
		}
		return l.Left + 20 + float64(i)*(l.Right-l.Left-40)/float64(len(xLabels)-1)
	}
	y := func(v float64) float64 { return l.Top + (2-v)/4*(l.Bottom-l.Top) }
	for i, s := range xLabels {
		l.XTicks = append(l.XTicks, Tick{Pos: x(i), Label: s})
	}
	for v := 2; v >= -2; v-- {
		l.YTicks = append(l.YTicks, Tick{Pos: y(float64(v)), Label: signed(audit.Valuation(v))})
	}
	for k, s := range series {
		out := Series{Name: s.Name, Color: palette[k%len(palette)]}
		var path strings.Builder
		pen := "M"
		for i, v := range s.Values {
			if math.IsNaN(v) {
				pen = "M"
				continue
			}
			p := Point{X: x(i), Y: y(v), Value: v, Text: decimal(v)}
			out.Points = append(out.Points, p)
			fmt.Fprintf(&path, "%s%.1f %.1f ", pen, p.X, p.Y)
			pen = "L"
		}
		out.Path = strings.TrimSpace(path.String())
		l.Series = append(l.Series, out)
	}
	return l
}

// MatrixChart is the impact-versus-cost matrix: cost across (cheap left),
// impact up (high top), the thresholds splitting the four quadrants.
type MatrixChart struct {
	Width, Height         float64
	Left, Right           float64
	Top, Bottom           float64
	SplitX, SplitY        float64
	MaxCost, MaxImpact    float64
	CostThreshold, Impact float64
	Points                []MatrixPoint
	XTicks, YTicks        []Tick
}

// MatrixPoint is one recommendation on the matrix, numbered by its row in
// the recommendations table.
type MatrixPoint struct {
	X, Y     float64
	Number   int
	Kind     string
	Name     string
	Quadrant string
	Impact   float64
	Cost     float64
}

const matrixWidth, matrixHeight = 640.0, 420.0

func matrix(recs []numberedRec, o scoring.RecommendOptions) MatrixChart {
	m := MatrixChart{Width: matrixWidth, Height: matrixHeight, Left: 60, Right: matrixWidth - 20, Top: 20, Bottom: matrixHeight - 50,
		CostThreshold: o.CostThreshold, Impact: o.ImpactThreshold}
	// The axes reach past the thresholds, so each quadrant has room.
	m.MaxCost, m.MaxImpact = 2*o.CostThreshold, 2*o.ImpactThreshold
	for _, r := range recs {
		m.MaxCost = math.Max(m.MaxCost, r.Cost*1.1)
		m.MaxImpact = math.Max(m.MaxImpact, r.Impact*1.1)
	}
	x := func(c float64) float64 { return m.Left + c/m.MaxCost*(m.Right-m.Left) }
	y := func(i float64) float64 { return m.Bottom - i/m.MaxImpact*(m.Bottom-m.Top) }
	m.SplitX, m.SplitY = x(o.CostThreshold), y(o.ImpactThreshold)
	for i := 0; i <= 4; i++ {
		c, im := m.MaxCost*float64(i)/4, m.MaxImpact*float64(i)/4
		m.XTicks = append(m.XTicks, Tick{Pos: x(c), Label: decimal(math.Round(c))})
		m.YTicks = append(m.YTicks, Tick{Pos: y(im), Label: decimal(math.Round(im*100) / 100)})
	}
	for _, r := range recs {
		m.Points = append(m.Points, MatrixPoint{X: x(r.Cost), Y: y(r.Impact), Number: r.Number, Kind: r.Kind, Name: r.name,
			Quadrant: r.Quadrant, Impact: r.Impact, Cost: r.Cost})
	}
	return m
}

func signed(v audit.Valuation) string {
	switch {
	case v > 0:
		return fmt.Sprintf("+%d", v)
	case v < 0:
		return fmt.Sprintf("−%d", -v)
	}
	return "0"
}

// valClass is the CSS class of a valuation's colour.
func valClass(v audit.Valuation) string {
	switch {
	case v <= -2:
		return "v-m2"
	case v == -1:
		return "v-m1"
	case v == 0:
		return "v-0"
	case v == 1:
		return "v-p1"
	}
	return "v-p2"
}

// decimal writes a number with up to two decimals and a real minus sign.
func decimal(f float64) string {
	s := strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", f), "0"), ".")
	if s == "-0" {
		s = "0"
	}
	return strings.Replace(s, "-", "−", 1)
}

// Signed writes a valuation as the console shows it: −2, −1, 0, +1, +2.
func Signed(v audit.Valuation) string { return signed(v) }
