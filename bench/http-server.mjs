/**
 * The HTTP server the load and churn benches measure, in its own process so its RSS is its own.
 * Run with --expose-gc; the parent asks over IPC for the RSS after a full GC. BENCH_DIST picks the build
 * (so a run can measure an older build side by side); BENCH_CONFIG is the config input as JSON.
 * BENCH_FLOOR=1 serves the floor instead: a bare SDK server over Streamable HTTP whose tools answer at once.
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const running = process.env.BENCH_FLOOR ? await serveFloor() : await serveZoomMcp();

const rssAfterGc = async () => {
  for (let i = 0; i < 4; i++) {
    globalThis.gc?.();
    await new Promise((r) => setTimeout(r, 50));
  }
  return process.memoryUsage().rss;
};
process.on("message", async (msg) => {
  if (msg === "rss") process.send({ rss: await rssAfterGc() });
  if (msg === "rss-now") process.send({ rss: process.memoryUsage().rss });
  if (msg === "stop") {
    await running.close();
    process.exit(0);
  }
});
process.send({ url: running.url });

async function serveZoomMcp() {
  const dist = resolve(process.env.BENCH_DIST ?? new URL("../dist", import.meta.url).pathname);
  const load = (p) => import(pathToFileURL(`${dist}/${p}`).href);
  const [{ createApp }, { parseConfig }, http, { silentLogger }, catalogModule] = await Promise.all([
    load("app.js"),
    load("config.js"),
    load("transports/http.js"),
    load("logger.js"),
    load("catalog/load.js").catch(() => undefined),
  ]);
  const config = parseConfig({ sandbox: "1", transport: "http", port: "0", ...JSON.parse(process.env.BENCH_CONFIG ?? "{}") });
  const logger = silentLogger();
  // Builds from before the catalog became data take (config, logger).
  const app = catalogModule ? await createApp(config, catalogModule.loadCatalog(), logger) : createApp(config, logger);
  const options = http.httpOptionsFromConfig
    ? http.httpOptionsFromConfig(config, app, logger)
    : { host: config.host, port: config.port, maxBodyBytes: config.maxBodyBytes, newServer: app.newServer, logger };
  return http.serveHttp(options);
}

async function serveFloor() {
  const { createServer } = await import("node:http");
  const { randomUUID } = await import("node:crypto");
  const { Server } = await import("@modelcontextprotocol/sdk/server/index.js");
  const { StreamableHTTPServerTransport } = await import("@modelcontextprotocol/sdk/server/streamableHttp.js");
  const { CallToolRequestSchema, ListToolsRequestSchema, isInitializeRequest } = await import("@modelcontextprotocol/sdk/types.js");
  const sessions = new Map();
  const http = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : undefined;
    const id = req.headers["mcp-session-id"];
    if (id && sessions.has(id)) return sessions.get(id).transport.handleRequest(req, res, body);
    if (!isInitializeRequest(body)) return void res.writeHead(400).end();
    const server = new Server({ name: "floor", version: "1" }, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: [] }));
    server.setRequestHandler(CallToolRequestSchema, () => ({ content: [{ type: "text", text: JSON.stringify({ id: "me", meetings: [] }) }] }));
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (sid) => sessions.set(sid, { transport, server }),
      onsessionclosed: (sid) => {
        sessions.get(sid)?.server.close();
        sessions.delete(sid);
      },
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  });
  await new Promise((r) => http.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${http.address().port}/mcp`,
    close: () => {
      http.closeAllConnections();
      return new Promise((r) => http.close(r));
    },
  };
}
