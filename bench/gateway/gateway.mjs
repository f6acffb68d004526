// Apollo's Node gateway (@apollo/gateway + @apollo/server) serving a supergraph file, forwarding the
// Authorization header to subgraphs as Gocart's router does. Usage: node gateway.mjs SUPERGRAPH PORT
import { readFileSync } from "node:fs";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";

const [supergraphPath, port] = process.argv.slice(2);

class ForwardingDataSource extends RemoteGraphQLDataSource {
  willSendRequest({ request, context }) {
    if (context.authorization) request.http.headers.set("authorization", context.authorization);
  }
}

const gateway = new ApolloGateway({
  supergraphSdl: readFileSync(supergraphPath, "utf8"),
  buildService: ({ url }) => new ForwardingDataSource({ url }),
});
const server = new ApolloServer({ gateway, csrfPrevention: false, introspection: false });
const { url } = await startStandaloneServer(server, {
  listen: { host: "127.0.0.1", port: Number(port) },
  context: async ({ req }) => ({ authorization: req.headers.authorization }),
});
console.log(`Apollo gateway ready at ${url}`);
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, async () => { await server.stop(); process.exit(0); });
