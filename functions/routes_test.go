package functions_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"touchaudit/internal/consoleapi"

	"touchaudit/internal/httpapi"
	"touchaudit/internal/samtemplate"
)

// gatewayRoute is one route of the HTTP API as the transformed template
// defines it (its OpenAPI body): the function it invokes and whether the
// JWT authorizer guards it.
type gatewayRoute struct {
	method, path string
	function     string // logical id
	public       bool   // Authorizer: NONE
}

// gatewayRoutes reads the HTTP API's routes from the transformed template.
func gatewayRoutes(t *testing.T) []gatewayRoute {
	t.Helper()
	tmpl, err := samtemplate.Transform(context.Background(), "../template.yaml", smokeStack)
	if err != nil {
		t.Fatal(err)
	}
	var out []gatewayRoute
	for _, id := range tmpl.OfType("AWS::ApiGatewayV2::Api") {
		body, _ := tmpl.Resources[id].Properties["Body"].(map[string]any)
		paths, _ := body["paths"].(map[string]any)
		for path, ops := range paths {
			for method, op := range ops.(map[string]any) {
				o, _ := op.(map[string]any)
				integration, _ := o["x-amazon-apigateway-integration"].(map[string]any)
				uri := fmt.Sprint(integration["uri"])
				_, fn, found := strings.Cut(uri, "/functions/${")
				fn, _, _ = strings.Cut(fn, ".Arn}")
				if !found {
					t.Fatalf("%s %s: no Lambda integration: %s", method, path, uri)
				}
				out = append(out, gatewayRoute{method: strings.ToUpper(method), path: path, function: fn,
					public: strings.Contains(fmt.Sprint(o["security"]), "NONE")})
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("the template's HTTP API has no routes")
	}
	return out
}

// selectRoute is API Gateway's choice among routes for a request: the
// route of the method whose path matches most specifically, segment by
// segment a literal over a {variable}, and a {variable} over a greedy
// {proxy+} (HTTP API route selection).
func selectRoute(routes []gatewayRoute, method, path string) (gatewayRoute, bool) {
	var best gatewayRoute
	var bestRank []int
	for _, r := range routes {
		if r.method != method && r.method != "X-AMAZON-APIGATEWAY-ANY-METHOD" {
			continue
		}
		rank, ok := matchRank(r.path, path)
		if ok && (bestRank == nil || slices.Compare(rank, bestRank) > 0) {
			best, bestRank = r, rank
		}
	}
	return best, bestRank != nil
}

// matchRank scores a match of pattern against path per segment: 3 a
// literal, 2 a variable, 1 a greedy variable; no match is false.
func matchRank(pattern, path string) ([]int, bool) {
	ps, xs := strings.Split(strings.Trim(pattern, "/"), "/"), strings.Split(strings.Trim(path, "/"), "/")
	var rank []int
	for i, p := range ps {
		switch {
		case strings.HasSuffix(p, "+}"):
			if i >= len(xs) || xs[i] == "" {
				return nil, false
			}
			return append(rank, 1), true
		case i >= len(xs):
			return nil, false
		case strings.HasPrefix(p, "{"):
			if xs[i] == "" {
				return nil, false
			}
			rank = append(rank, 2)
		case p != xs[i]:
			return nil, false
		default:
			rank = append(rank, 3)
		}
	}
	return rank, len(ps) == len(xs)
}

// concrete fills a route's {variables} with values.
func concrete(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") {
			segs[i] = "x-" + strings.Trim(s, "{}+")
		}
	}
	return strings.Join(segs, "/")
}

// The API is split across functions by the clients its routes need
// (httpapi.Parts); template.yaml must send each route to its part's
// function behind the authorizer, every other /api path to the catch-all
// part's, every other path to the form's without it, and give those
// functions no route that is not theirs.
func TestRoutes_TemplateSendsEachPartToItsFunction(t *testing.T) {
	routes := gatewayRoutes(t)
	var catchAll []string
	own := map[string]map[string]bool{} // logical id -> its routes' keys
	for _, p := range httpapi.Parts() {
		id := logicalID(p.Function)
		own[id] = map[string]bool{}
		if p.CatchAll {
			catchAll = append(catchAll, id)
		}
		for _, key := range p.Routes() {
			method, path, _ := strings.Cut(string(key), " ")
			own[id][string(key)] = true
			got, ok := selectRoute(routes, method, concrete(path))
			switch {
			case !ok:
				t.Errorf("%s: no route in template.yaml; want %s", key, id)
			case got.function != id:
				t.Errorf("%s goes to %s (%s %s); want %s", key, got.function, got.method, got.path, id)
			case got.public:
				t.Errorf("%s is served without the authorizer", key)
			}
		}
	}
	if len(catchAll) != 1 {
		t.Fatalf("parts taking the other /api paths: %v; want one", catchAll)
	}
	for _, method := range []string{"GET", "POST", "PUT"} {
		if got, ok := selectRoute(routes, method, "/api/no/such/route"); !ok || got.function != catchAll[0] || got.public {
			t.Errorf("%s /api/no/such/route goes to %+v; want %s behind the authorizer", method, got, catchAll[0])
		}
	}
	form := logicalID(httpapi.FormFunction)
	// The console's page is static too: the form function serves it.
	for _, path := range []string{"/", "/index.html", "/static/app.js", "/config.json", "/console", "/console/", "/console/console.js", "/console/i18n/pl.json"} {
		if got, ok := selectRoute(routes, "GET", path); !ok || got.function != form || !got.public {
			t.Errorf("GET %s goes to %+v; want %s without the authorizer", path, got, form)
		}
	}
	for _, r := range routes {
		key := r.method + " " + r.path
		switch {
		case r.function == form:
			if r.method != "GET" || (r.path != "/" && r.path != "/{proxy+}") {
				t.Errorf("%s goes to %s, which serves only GET / and GET /{proxy+}", key, form)
			}
		case r.function == catchAll[0]:
			if !own[r.function][key] && r.path != "/api/{proxy+}" {
				t.Errorf("%s goes to %s, whose part has no such route", key, r.function)
			}
		case own[r.function] != nil && !own[r.function][key]:
			t.Errorf("%s goes to %s, whose part has no such route", key, r.function)
		}
	}
}

// The console function's routes (consoleapi.Routes) reach it behind the
// authorizer: each is more specific than the api function's /api/{proxy+}.
func TestRoutes_TemplateSendsTheConsoleRoutesToItsFunction(t *testing.T) {
	routes := gatewayRoutes(t)
	keys := consoleapi.Routes()
	if len(keys) == 0 {
		t.Fatal("no console routes")
	}
	for _, key := range keys {
		method, path, _ := strings.Cut(string(key), " ")
		got, ok := selectRoute(routes, method, concrete(path))
		if !ok || got.function != logicalID("console") || got.public {
			t.Errorf("%s goes to %+v; want %s behind the authorizer", key, got, logicalID("console"))
		}
	}
}
