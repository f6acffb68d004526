"""The GraphiQL page served to browsers asking for /graphql, from assets packaged with the router
(router/server/static, vendored by `gocart assets`), so it works with no network at all.

The page opens with a query that works anonymously and a second tab that needs a signed-in caller, the
headers editor open and pre-filled with an `Authorization` template; the fetcher leaves that header out
until the template's `<token>` is replaced, so the first query runs as it is. With the plan view on
(`expose_query_plan`, development only), every request asks for the router's plan and a "Query plan"
panel beside the result shows it in Apollo's text form.
"""

from __future__ import annotations

import json
from pathlib import Path

STATIC_DIRECTORY = Path(__file__).resolve().parent / "static"
STATIC_PATH = "/graphiql-assets"
# The page loads only from the router: nothing it does reaches another host.
GRAPHIQL_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'"
)

ANONYMOUS_QUERY = """# The catalogue needs no sign-in; a misspelt search still finds headphones.
{
  products(filter: { search: "hedphones" }, first: 5) {
    totalCount
    edges { node { name price currency stock { available } category { path { name } } } }
  }
}
"""

SIGNED_IN_QUERY = """# Orders need a signed-in caller: put a token (from the `login` mutation, or the dev
# banner's admin token) in the Authorization header below, then run.
{
  orders(first: 5) {
    edges { node { number status total customer { firstName email } items { quantity product { name } } } }
  }
}
"""

HEADERS_TEMPLATE = '{\n  "Authorization": "Bearer <token>"\n}'

_PAGE = """<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Gocart GraphiQL</title>
    <style>
      body { margin: 0; }
      #graphiql { height: 100dvh; }
      .gocart-plan { padding: 0 12px; overflow: auto; height: 100%; }
      .gocart-plan pre { font-size: 12px; white-space: pre; }
    </style>
    <link rel="stylesheet" href="__STATIC__/graphiql.min.css" />
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL...</div>
    <script src="__STATIC__/react.production.min.js"></script>
    <script src="__STATIC__/react-dom.production.min.js"></script>
    <script src="__STATIC__/graphiql.min.js"></script>
    <script>
      const config = __CONFIG__;
      const h = React.createElement;
      const planListeners = new Set();
      let lastPlan = null;

      function showPlan(plan) {
        lastPlan = plan;
        planListeners.forEach((listener) => listener(plan));
      }

      async function gocartFetch(url, init) {
        const headers = new Headers(init.headers);
        if ((headers.get("authorization") || "").includes("<token>")) headers.delete("authorization");
        if (config.planView) headers.set("x-gocart-query-plan", "true");
        const response = await fetch(url, { ...init, headers });
        if (config.planView) {
          response.clone().json().then(
            (body) => showPlan(body && body.extensions && body.extensions.queryPlan),
            () => showPlan(null),
          );
        }
        return response;
      }

      function PlanPanel() {
        const [plan, setPlan] = React.useState(lastPlan);
        React.useEffect(() => {
          planListeners.add(setPlan);
          return () => planListeners.delete(setPlan);
        }, []);
        const body = plan
          ? h("pre", { "data-testid": "query-plan" }, plan.text)
          : h("p", null, "Run an operation to see how the router plans it.");
        return h("div", { className: "gocart-plan" }, h("h3", null, "Query plan"), body);
      }

      const plugins = config.planView
        ? [{ title: "Query plan", icon: () => h("span", { "aria-hidden": true }, "QP"), content: PlanPanel }]
        : [];
      const fetcher = GraphiQL.createFetcher({ url: config.url, fetch: gocartFetch });
      ReactDOM.createRoot(document.getElementById("graphiql")).render(
        h(GraphiQL, {
          fetcher,
          plugins,
          defaultTabs: config.tabs,
          defaultHeaders: config.headers,
          defaultEditorToolbarOpen: true,
          shouldPersistHeaders: false,
          visiblePlugin: config.planView ? plugins[0] : undefined,
        })
      );
    </script>
  </body>
</html>
"""


def graphiql_page(*, endpoint: str, plan_view: bool) -> str:
    """The page for GraphiQL talking to `endpoint`, with the query-plan panel when `plan_view`."""
    config = {
        "url": endpoint,
        "planView": plan_view,
        "headers": HEADERS_TEMPLATE,
        "tabs": [
            {"query": ANONYMOUS_QUERY, "headers": HEADERS_TEMPLATE},
            {"query": SIGNED_IN_QUERY, "headers": HEADERS_TEMPLATE},
        ],
    }
    # `</` cannot end the script element early once escaped.
    encoded = json.dumps(config).replace("</", "<\\/")
    return _PAGE.replace("__STATIC__", STATIC_PATH).replace("__CONFIG__", encoded)
