/**
 * The HTTP server the load and churn benches measure, in its own process so its RSS is its own.
 * Run with --expose-gc; the parent asks over IPC for {rss after a full GC}. BENCH_DIST picks the build
 * (so a run can measure an older build side by side); BENCH_CONFIG is the config input as JSON.
 */
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";

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
  ? await http.httpOptionsFromConfig(config, app, logger)
  : { host: config.host, port: config.port, maxBodyBytes: config.maxBodyBytes, newServer: app.newServer, logger };
const server = await http.serveHttp(options);

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
    await server.close();
    process.exit(0);
  }
});
process.send({ url: server.url });
