// The Guild's Hive Gateway (@graphql-hive/gateway-runtime) with the Rust query planner of Hive Router
// (@graphql-hive/router-runtime), serving a supergraph file and forwarding the Authorization header to
// subgraphs as Gocart's router does. Usage: node hive-gateway.mjs SUPERGRAPH PORT
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createGatewayRuntime } from "@graphql-hive/gateway-runtime";
import { unifiedGraphHandler } from "@graphql-hive/router-runtime";

const [supergraphPath, port] = process.argv.slice(2);

const gateway = createGatewayRuntime({
  supergraph: readFileSync(supergraphPath, "utf8"),
  unifiedGraphHandler,
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => {
      const authorization = request.headers.get("authorization");
      return authorization ? { authorization } : {};
    },
  },
  graphiql: false,
  landingPage: false,
  logging: "error",
});
const server = createServer(gateway);
server.listen(Number(port), "127.0.0.1", () => console.log(`Hive gateway ready at http://127.0.0.1:${port}/graphql`));
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => server.close(() => process.exit(0)));
