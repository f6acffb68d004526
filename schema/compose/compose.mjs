// Composes a supergraph with Apollo's composition. Reads the subgraphs as JSON on stdin:
//   [{"name": "products", "url": "http://...", "sdl": "..."}, ...]
// and writes {"supergraphSdl": "...", "hints": [{code, message}], "errors": [{code, message}]} on stdout.
import { composeServices } from "@apollo/composition";
import { parse } from "graphql";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const subgraphs = JSON.parse(Buffer.concat(chunks).toString("utf8"));

const result = composeServices(
  subgraphs.map(({ name, url, sdl }) => ({ name, url, typeDefs: parse(sdl) })),
);
const describe = (item) => ({ code: item.definition?.code ?? item.extensions?.code ?? "UNKNOWN", message: item.message });
process.stdout.write(
  JSON.stringify({
    supergraphSdl: result.supergraphSdl ?? null,
    hints: (result.hints ?? []).map(describe),
    errors: (result.errors ?? []).map(describe),
  }),
);
